/**
 * A local HTTP server that plays a publisher's web site: a map from path to response, with a request log
 * (path, time, headers) so tests can check what the crawler asked for and when.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Route =
  | { status?: number; type: string; body: string | Uint8Array; headers?: Record<string, string> }
  | ((req: IncomingMessage, res: ServerResponse) => void | Promise<void>);

export interface LoggedRequest {
  path: string;
  at: number;
  headers: IncomingMessage['headers'];
}

export interface Site {
  origin: string;
  host: string;
  routes: Map<string, Route>;
  requests: LoggedRequest[];
  close(): Promise<void>;
}

export async function startSite(routes: Record<string, Route> = {}): Promise<Site> {
  const table = new Map(Object.entries(routes));
  const requests: LoggedRequest[] = [];
  const server: Server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push({ path, at: Date.now(), headers: req.headers });
    const route = table.get(path);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (typeof route === 'function') return route(req, res);
    res.writeHead(route.status ?? 200, { 'content-type': route.type, ...route.headers }).end(route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    routes: table,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export function html(body: string): Route {
  return {
    type: 'text/html; charset=utf-8',
    body: `<!doctype html><html><head><title>Test</title></head><body>${body}</body></html>`,
  };
}
