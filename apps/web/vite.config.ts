import react from '@vitejs/plugin-react';
import { defineConfig, type ProxyOptions } from 'vite';

/** Where `npm run dev` sends API calls: the API started by `npm start` / `npm run start:api`. */
const apiTarget = process.env.FIXLOOP_API_URL ?? 'http://127.0.0.1:8000';

/** The API routes the dashboard calls; everything else is the SPA under `/app/`. */
const apiPrefixes = ['/auth', '/projects', '/healthz', '/readyz', '/openapi.json'];

const proxy: ProxyOptions = {
  target: apiTarget,
  changeOrigin: true,
  configure: (server) => {
    // The API accepts cookie-authenticated writes only from its own origin. The dev server stands in
    // for it, so a request from the dev page itself is presented as same-origin; any other origin
    // passes through untouched and is refused by the API as it should be.
    server.on('proxyReq', (proxyReq, req) => {
      const origin = req.headers.origin;
      if (typeof origin === 'string' && URL.canParse(origin) && new URL(origin).host === req.headers.host) {
        proxyReq.setHeader('origin', new URL(apiTarget).origin);
      }
    });
  },
};

export default defineConfig({
  base: '/app/',
  plugins: [react()],
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: Object.fromEntries(apiPrefixes.map((prefix) => [prefix, proxy])),
  },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
});
