/**
 * A publisher site that misbehaves in every way a crawler meets in the wild: flaky 5xx, 429/503 with
 * Retry-After, stalled headers and bodies, a silent TLS port (connect timeout), truncated bodies, bodies
 * over the size cap, a gzip bomb, redirect loops and chains, redirects to private, loopback and link-local
 * addresses and to unlisted hosts, wrong content types, malformed HTML, a corrupt PDF, and well-behaved
 * pages with validators for conditional GET. Every case is linked from /2024/index.html (documents take
 * their edition from it and their country from the link text) and states the outcome the crawler must
 * record for it.
 */

import type { AddressInfo } from 'node:net';
import { createServer as createTcpServer, type Socket, type Server as TcpServer } from 'node:net';
import { gzipSync } from 'node:zlib';
import { reportPdf } from './pdf-fixture.ts';
import { html, type Route, type Site, startSite } from './site.ts';

export interface Case {
  path: string;
  /** The link points here instead of `path` (another origin). */
  href?: string;
  format: 'html' | 'pdf';
  expect: { outcome: 'captured' | 'failed' | 'robots'; reason?: string; message?: RegExp };
}

export interface MisbehavingSite {
  site: Site;
  /** A port that accepts TCP connections and never says a word (a TLS handshake there times out). */
  silentTlsHost: string;
  cases: Case[];
  /** Times each path was requested. */
  hits(path: string): number[];
  close(): Promise<void>;
}

export const LIMITS = {
  maxBodyBytes: 1_000_000,
  connectTimeoutMs: 400,
  headersTimeoutMs: 400,
  bodyTimeoutMs: 400,
};

const page = (title: string, body = '') => html(`<h1>${title}</h1><p>Country conditions.</p>${body}`);

export async function startMisbehavingSite(): Promise<MisbehavingSite> {
  const held: Socket[] = [];
  const silent: TcpServer = createTcpServer((socket) => {
    held.push(socket);
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const silentTlsHost = `127.0.0.1:${(silent.address() as AddressInfo).port}`;
  const counters = new Map<string, number>();
  const nth = (path: string) => {
    const n = (counters.get(path) ?? 0) + 1;
    counters.set(path, n);
    return n;
  };
  const pdf = Buffer.from(await reportPdf('Test Report', [{ paragraph: ['A paragraph about Honduras.'] }]));
  const cases: Case[] = [
    { path: '/docs/ok.html', format: 'html', expect: { outcome: 'captured' } },
    { path: '/docs/report.pdf', format: 'pdf', expect: { outcome: 'captured' } },
    { path: '/docs/flaky.html', format: 'html', expect: { outcome: 'captured' } },
    { path: '/docs/throttled.html', format: 'html', expect: { outcome: 'captured' } },
    { path: '/docs/unavailable.html', format: 'html', expect: { outcome: 'captured' } },
    { path: '/docs/always-500.html', format: 'html', expect: { outcome: 'failed', reason: 'http-5xx' } },
    { path: '/docs/missing.html', format: 'html', expect: { outcome: 'failed', reason: 'http-4xx' } },
    {
      path: '/docs/stalled-headers.html',
      format: 'html',
      expect: { outcome: 'failed', reason: 'timeout', message: /timed out/ },
    },
    {
      path: '/docs/stalled-body.html',
      format: 'html',
      expect: { outcome: 'failed', reason: 'timeout', message: /timed out/ },
    },
    {
      path: '/docs/connect-timeout.html',
      href: `https://${silentTlsHost}/docs/connect-timeout.html`,
      format: 'html',
      // Its robots.txt times out first, so the page is not fetched: unreachable robots.txt means disallow.
      expect: { outcome: 'robots', message: /connect/i },
    },
    { path: '/docs/truncated.html', format: 'html', expect: { outcome: 'failed', reason: 'truncated' } },
    {
      path: '/docs/too-large.pdf',
      format: 'pdf',
      expect: { outcome: 'failed', reason: 'too-large', message: /limit/ },
    },
    {
      path: '/docs/endless.html',
      format: 'html',
      expect: { outcome: 'failed', reason: 'too-large', message: /limit/ },
    },
    {
      path: '/docs/gzip-bomb.html',
      format: 'html',
      expect: { outcome: 'failed', reason: 'too-large', message: /after decompression/ },
    },
    { path: '/docs/loop-a.html', format: 'html', expect: { outcome: 'failed', reason: 'redirect-loop' } },
    {
      path: '/docs/chain-0.html',
      format: 'html',
      expect: { outcome: 'failed', reason: 'too-many-redirects' },
    },
    {
      path: '/docs/to-loopback.html',
      format: 'html',
      expect: { outcome: 'failed', reason: 'private-address', message: /127\.0\.0\.2/ },
    },
    {
      path: '/docs/to-metadata.html',
      format: 'html',
      expect: { outcome: 'failed', reason: 'private-address', message: /169\.254\.169\.254/ },
    },
    {
      path: '/docs/to-private.html',
      format: 'html',
      expect: { outcome: 'failed', reason: 'private-address', message: /10\.1\.2\.3/ },
    },
    {
      path: '/docs/to-unlisted.html',
      format: 'html',
      expect: { outcome: 'failed', reason: 'off-allowlist', message: /unlisted\.example/ },
    },
    { path: '/docs/wrong-type.pdf', format: 'pdf', expect: { outcome: 'failed', reason: 'content-type' } },
    {
      path: '/docs/corrupt.pdf',
      format: 'pdf',
      // The header is there; the message names only what is missing.
      expect: { outcome: 'failed', reason: 'corrupt-pdf', message: /\(no startxref and no %%EOF trailer\)$/ },
    },
    { path: '/docs/binary.html', format: 'html', expect: { outcome: 'failed', reason: 'malformed-html' } },
    // Tag soup is repaired, as a browser would; the link inside it is still followed.
    { path: '/docs/tag-soup.html', format: 'html', expect: { outcome: 'captured' } },
    { path: '/docs/etag.html', format: 'html', expect: { outcome: 'captured' } },
    { path: '/docs/last-modified.html', format: 'html', expect: { outcome: 'captured' } },
  ];
  const index = html(
    `<h1>Reports</h1><ul>${cases
      .map((c) => `<li><a href="${c.href ?? c.path}">Honduras: ${c.path}</a></li>`)
      .join('')}<li><a href="/private/secret.html">Honduras: secret</a></li></ul>`,
  );
  const redirect =
    (to: string, status = 302): Route =>
    (_req, res) => {
      res.writeHead(status, { location: to }).end();
    };
  const routes: Record<string, Route> = {
    '/robots.txt': { type: 'text/plain', body: 'User-agent: *\nDisallow: /private/\n' },
    // Listed under its edition: documents inherit the edition from this page.
    '/2024/index.html': index,
    '/docs/ok.html': page('OK'),
    '/docs/report.pdf': { type: 'application/pdf', body: pdf },
    '/docs/found-in-soup.html': page('Found in soup'),
    '/docs/flaky.html': (_req, res) => {
      if (nth('flaky') <= 2) res.writeHead(500, { 'content-type': 'text/plain' }).end('try again');
      else res.writeHead(200, { 'content-type': 'text/html' }).end('<p>flaky but fine</p>');
    },
    // A 429 asking for a second, then two asking for none: three answers that are not retries.
    '/docs/throttled.html': (_req, res) => {
      const n = nth('throttled');
      if (n <= 3) res.writeHead(429, { 'retry-after': n === 1 ? '1' : '0' }).end();
      else res.writeHead(200, { 'content-type': 'text/html' }).end('<p>thanks for waiting</p>');
    },
    '/docs/unavailable.html': (_req, res) => {
      if (nth('unavailable') === 1) res.writeHead(503, { 'retry-after': '1' }).end();
      else res.writeHead(200, { 'content-type': 'text/html' }).end('<p>back</p>');
    },
    '/docs/always-500.html': { status: 500, type: 'text/plain', body: 'broken' },
    '/docs/stalled-headers.html': () => {
      // Never answers.
    },
    '/docs/stalled-body.html': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.write('<p>the start of a page, and then nothing');
    },
    '/docs/truncated.html': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': '1000' });
      res.write('<p>only half of what was promised</p>');
      setTimeout(() => res.socket?.destroy(), 20);
    },
    '/docs/too-large.pdf': (_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/pdf',
        'content-length': String(LIMITS.maxBodyBytes * 5),
      });
      res.flushHeaders();
      setTimeout(() => res.socket?.destroy(), 200);
    },
    '/docs/endless.html': (req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      const chunk = Buffer.alloc(64 * 1024, 'a');
      const pump = () => {
        while (!req.destroyed && res.write(chunk));
        if (!req.destroyed) res.once('drain', pump);
      };
      res.once('close', () => res.removeAllListeners('drain'));
      pump();
    },
    '/docs/gzip-bomb.html': {
      type: 'text/html',
      headers: { 'content-encoding': 'gzip' },
      body: gzipSync(Buffer.alloc(LIMITS.maxBodyBytes * 40, 0x20)),
    },
    '/docs/loop-a.html': redirect('/docs/loop-b.html'),
    '/docs/loop-b.html': redirect('/docs/loop-a.html', 301),
    '/docs/to-loopback.html': redirect('http://127.0.0.2/admin'),
    '/docs/to-metadata.html': redirect('http://169.254.169.254/latest/meta-data/'),
    '/docs/to-private.html': redirect('http://10.1.2.3/'),
    '/docs/to-unlisted.html': redirect('https://unlisted.example/report.html'),
    '/docs/wrong-type.pdf': page('Not a PDF at all'),
    '/docs/corrupt.pdf': {
      type: 'application/pdf',
      body: Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog'),
    },
    '/docs/binary.html': {
      type: 'text/html',
      body: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 0xff, 0xfe]),
    },
    '/docs/tag-soup.html': {
      type: 'text/html',
      body: '<html><body><div><p>Unclosed <b>tags <table><tr><td><a href="/docs/found-in-soup.html">a link</a><p>and more',
    },
    '/docs/etag.html': (req, res) => {
      if (req.headers['if-none-match'] === '"v1"') res.writeHead(304, { etag: '"v1"' }).end();
      else res.writeHead(200, { 'content-type': 'text/html', etag: '"v1"' }).end('<p>etag page</p>');
    },
    '/docs/last-modified.html': (req, res) => {
      const stamp = 'Mon, 01 Dec 2025 00:00:00 GMT';
      if (req.headers['if-modified-since'] === stamp) res.writeHead(304).end();
      else
        res.writeHead(200, { 'content-type': 'text/html', 'last-modified': stamp }).end('<p>dated page</p>');
    },
    '/private/secret.html': page('Secret'),
  };
  for (let i = 0; i < 12; i++) routes[`/docs/chain-${i}.html`] = redirect(`/docs/chain-${i + 1}.html`);
  const site = await startSite(routes);
  return {
    site,
    silentTlsHost,
    cases,
    hits: (path) => site.requests.filter((r) => r.path === path).map((r) => r.at),
    close: async () => {
      for (const socket of held) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
      await site.close();
    },
  };
}
