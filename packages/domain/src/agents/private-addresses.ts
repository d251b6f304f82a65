import { BlockList, isIP } from 'node:net';

/**
 * Addresses a URL a user typed must not reach unless the operator allows it (`ALLOW_PRIVATE_URLS`):
 * this host (loopback, "this network"), link-local (where clouds serve instance metadata and
 * credentials, 169.254.169.254), the private and carrier-grade NAT ranges, and the reserved,
 * benchmarking and multicast ones nothing public lives in.
 */
const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv6');
}

/** The IPv4 address an IPv6 one carries (mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::`, 6to4 `2002:`), if any. */
function embeddedIpv4(ip: string): string | undefined {
  const lower = ip.toLowerCase();
  const dotted = /^(?:::ffff:(?:0:)?|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const hex = /^(?:::ffff:(?:0:)?|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  const sixToFour = /^2002:([0-9a-f]{1,4}):([0-9a-f]{1,4}):/.exec(lower);
  const pair = hex ?? sixToFour;
  if (!pair) return undefined;
  const hi = Number.parseInt(pair[1] as string, 16);
  const lo = Number.parseInt(pair[2] as string, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** Whether an IP address (v4 or v6) is one a user-set URL may not reach; a non-address answers false. */
export function isPrivateAddress(ip: string): boolean {
  const address = ip.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(address);
  if (family === 4) return PRIVATE.check(address, 'ipv4');
  if (family !== 6) return false;
  const v4 = embeddedIpv4(address);
  if (v4 !== undefined) return PRIVATE.check(v4, 'ipv4');
  return PRIVATE.check(address, 'ipv6');
}

/**
 * The host a remote git URL names, IPv4 literals in git's other spellings (`0x7f.1`, `2130706433`)
 * normalized the way a URL parser reads them; undefined when the URL names none.
 */
export function hostOfGitUrl(url: string): string | undefined {
  const u = url.trim();
  const scp = /^[A-Za-z0-9._-]+@(\[[^\]]+\]|[A-Za-z0-9.-]+):/.exec(u);
  const raw = scp ? scp[1] : /^[a-z+]+:\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^:/?#]+)/i.exec(u)?.[1];
  if (raw === undefined) return undefined;
  try {
    // An http URL's parser spells every IPv4 form (hex, octal, shortened) as a dotted quad.
    return new URL(`http://${raw}/`).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return raw.toLowerCase();
  }
}

/** Names that always mean this machine, whatever DNS says. */
export function isLocalName(host: string): boolean {
  const h = host.replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost');
}
