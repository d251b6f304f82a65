import { existsSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { errorBody } from '../errors.js';

/** Vite writes content-hashed files under `assets/`: they never change, so browsers keep them for a year. */
const HASHED_ASSETS = 'assets/';
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Everything else (index.html above all) is revalidated on every load, so a deploy shows at once. */
const REVALIDATE = 'no-cache';

const NOT_BUILT = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Fixloop: dashboard not built</title></head>
<body>
<h1>The Fixloop dashboard is not built</h1>
<p>The API is running, but the dashboard's files are missing. Build them, then restart the server:</p>
<pre>npm run build -w @fixloop/web</pre>
<p>The server looks for them in <code>apps/web/dist</code> (or the folder <code>WEB_DIST_DIR</code> names).</p>
</body>
</html>
`;

const hidden = { schema: { hide: true }, config: { auth: 'public' as const, unmetered: true } };

/** A path under the dashboard's folder that names a file there (no `..`, no dotfiles), else undefined. */
function fileIn(root: string, rel: string): string | undefined {
  if (rel === '' || rel.includes('\0') || rel.split('/').some((s) => s === '' || s.startsWith('.')))
    return undefined;
  const abs = resolve(root, rel);
  if (!abs.startsWith(root + sep)) return undefined;
  try {
    return statSync(abs).isFile() ? rel : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Serves the built dashboard under `/app/` (public: the page signs in through `/auth/login`):
 * files as they are, any other path as `index.html` so client-side routes load the app. `/`
 * redirects to `/app/`. Without a build, `/app/` explains how to make one.
 */
export function webRoutes(distDir: string) {
  const root = resolve(distDir);
  const built = existsSync(join(root, 'index.html'));
  return async (app: FastifyInstance) => {
    app.get('/', hidden, async (_request, reply) => reply.redirect('/app/', 302));
    app.get('/app', hidden, async (_request, reply) => reply.redirect('/app/', 302));

    if (!built) {
      const notBuilt = async (_request: unknown, reply: FastifyReply) =>
        reply
          .status(404)
          .header('cache-control', REVALIDATE)
          .type('text/html; charset=utf-8')
          .send(NOT_BUILT);
      app.get('/app/', hidden, notBuilt);
      app.get('/app/*', hidden, notBuilt);
      return;
    }

    await app.register(fastifyStatic, { root, serve: false, cacheControl: false, dotfiles: 'deny' });
    const index = (reply: FastifyReply) => reply.header('cache-control', REVALIDATE).sendFile('index.html');
    app.get('/app/', hidden, async (_request, reply) => index(reply));
    app.get('/app/*', hidden, async (request, reply) => {
      const rel = (request.params as { '*': string })['*'];
      const file = fileIn(root, rel);
      if (file !== undefined) {
        return reply
          .header('cache-control', file.startsWith(HASHED_ASSETS) ? IMMUTABLE : REVALIDATE)
          .sendFile(file);
      }
      // A missing asset is a 404 (a stale page asking for an old build's file), not the app.
      if (rel.startsWith(HASHED_ASSETS)) {
        return reply.status(404).send(errorBody('not_found', `no file /app/${rel}`));
      }
      return index(reply);
    });
  };
}
