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
  /** TCP connections open now and the most that were open at once. */
  connections: { open: number; peak: number };
  close(): Promise<void>;
}

export interface SiteOptions {
  /** Loopback address to listen on (Linux routes all of 127/8 to lo), default 127.0.0.1. */
  address?: string;
  port?: number;
  /** Shared with other sites to count connections across them. */
  connections?: { open: number; peak: number };
}

export async function startSite(
  routes: Record<string, Route> = {},
  options: SiteOptions = {},
): Promise<Site> {
  const table = new Map(Object.entries(routes));
  const requests: LoggedRequest[] = [];
  const connections = options.connections ?? { open: 0, peak: 0 };
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
  server.on('connection', (socket) => {
    connections.open++;
    connections.peak = Math.max(connections.peak, connections.open);
    socket.once('close', () => {
      connections.open--;
    });
  });
  const address = options.address ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, address, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${address}:${port}`,
    host: `${address}:${port}`,
    routes: table,
    requests,
    connections,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function html(body: string): Route {
  return {
    type: 'text/html; charset=utf-8',
    body: `<!doctype html><html><head><title>Test</title></head><body>${body}</body></html>`,
  };
}
