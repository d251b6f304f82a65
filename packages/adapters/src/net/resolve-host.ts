import { lookup } from 'node:dns/promises';

/** Every address a host name resolves to, the way git's own connection will look it up (getaddrinfo). */
export async function resolveHost(host: string): Promise<string[]> {
  const found = await lookup(host, { all: true, verbatim: true });
  return found.map((a) => a.address);
}
