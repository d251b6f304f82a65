import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@fixloop/domain';
import type { Container } from '../container.js';
import { errorBody } from '../http/errors.js';
import { METRICS_REFUSAL, type MetricsAccessDeps, metricsAccess } from './metrics-access.js';
import type { PromMetrics } from './prom-metrics.js';

export interface MetricsServerDeps {
  metrics: PromMetrics;
  access: MetricsAccessDeps;
  log: Logger;
}

export interface MetricsServer {
  /** `http://host:port`, the port the listener got. */
  url: string;
  close(): Promise<void>;
}

/**
 * A listener that serves only `GET /metrics`, with the API's rules for who may read it: for
 * processes without the API (`worker`, `reddit-poller`), or to keep scrapes off the public port.
 */
export async function startMetricsServer(
  deps: MetricsServerDeps,
  port: number,
  host: string,
): Promise<MetricsServer> {
  const server = createServer((request, response) => {
    serve(deps, request, response).catch((err: unknown) => {
      deps.log.error({ err }, 'metrics scrape failed');
      if (!response.headersSent) json(response, 500, errorBody('internal', 'internal error'));
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  deps.log.info({ url: `${url}/metrics` }, 'metrics listening');
  return {
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function serve(deps: MetricsServerDeps, request: IncomingMessage, response: ServerResponse) {
  const path = (request.url ?? '/').split('?')[0];
  if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
    json(
      response,
      404,
      errorBody('not_found', `no route ${request.method} ${path}; this port serves GET /metrics`),
    );
    return;
  }
  const access = await metricsAccess(deps.access, request.headers.authorization);
  if (access !== 'allowed') {
    json(response, access === 'unauthorized' ? 401 : 403, errorBody(access, METRICS_REFUSAL[access]));
    return;
  }
  const { contentType, body } = await deps.metrics.render();
  response.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
  response.end(request.method === 'HEAD' ? undefined : body);
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

/** The container's metrics listener on `METRICS_PORT` (on `HOST`), or none when it is unset. */
export async function listenForMetrics(
  c: Pick<Container, 'config' | 'metrics' | 'apiKeys'>,
  log: Logger,
): Promise<MetricsServer | undefined> {
  const { port, token } = c.config.metrics;
  if (port === undefined) return undefined;
  return startMetricsServer(
    { metrics: c.metrics, access: { token, apiKeys: c.apiKeys }, log },
    port,
    c.config.host,
  );
}
