import type { SecretName } from '@fixloop/contracts';
import { DEFAULT_PROJECT_ID, DomainError, getSecret } from '@fixloop/domain';
import type { FastifyRequest } from 'fastify';
import type { Container } from '../container.js';
import { hasProjectKey } from './auth.js';

/**
 * Webhooks carry no API key. When the project has a signing secret (its own, or the env default for
 * `default`) a valid signature is required, with or without a key; without a secret, a Bearer key
 * of the project is required instead. Runs before the body is validated, so nothing is stored and no
 * detail leaks on failure.
 */
export async function verifyWebhook(
  c: Container,
  request: FastifyRequest,
  secretName: SecretName,
  envDefault: string | undefined,
  verify: (secret: string, raw: Buffer) => boolean,
): Promise<void> {
  const own = await getSecret(c.projectDeps, request.projectId, secretName);
  const secret = own ?? (request.projectId === DEFAULT_PROJECT_ID ? envDefault : undefined);
  if (secret !== undefined) {
    if (!verify(secret, request.rawBody ?? Buffer.alloc(0))) {
      throw new DomainError('invalid_signature', 'webhook signature is missing or does not match');
    }
    return;
  }
  if (!hasProjectKey(request)) {
    throw new DomainError(
      'unauthorized',
      'this project has no webhook secret: configure one, or send Authorization: Bearer <project key>',
    );
  }
}

export function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return typeof v === 'string' ? v : Array.isArray(v) ? v[0] : undefined;
}
