import { DomainError } from '@fixloop/domain';
import type { FastifyInstance } from 'fastify';
import sjson from 'secure-json-parse';

declare module 'fastify' {
  interface FastifyRequest {
    /** The exact bytes of a JSON body (webhook signatures are computed over them). */
    rawBody?: Buffer;
  }
}

/** Parses JSON text; prototype keys (`__proto__`, `constructor.prototype`) are dropped, never applied. */
export function parseJson(text: string): unknown {
  return sjson.parse(text, undefined, { protoAction: 'remove', constructorAction: 'remove' });
}

/**
 * JSON bodies are read as bytes (kept as `rawBody`) and parsed here: malformed → 400. An empty body
 * counts as absent, so action routes accept a bodyless POST whatever its content type, and routes
 * that need a body answer 422. Any other content type with a body → 415.
 */
export function registerContentTypes(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    request.rawBody = body;
    if (body.length === 0) return done(null, undefined);
    try {
      done(null, parseJson(body.toString('utf8')));
    } catch {
      done(new DomainError('invalid_json', 'request body is not valid JSON'), undefined);
    }
  });
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    if (body.length === 0) return done(null, undefined);
    done(
      new DomainError(
        'unsupported_media_type',
        `unsupported content type ${JSON.stringify(request.headers['content-type'] ?? '')}: send application/json`,
      ),
      undefined,
    );
  });
}
