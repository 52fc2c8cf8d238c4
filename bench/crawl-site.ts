/**
 * The benchmark's publisher: one process playing many hosts on loopback aliases (Linux routes all of
 * 127/8 to lo), each with robots.txt, an edition index, sub-listings of 50 pages and small report pages.
 * Started by bench/crawl.ts as a child process, so its CPU and memory are not the crawler's; it reports
 * its port and, on request, how many requests it served and when the first and last arrived.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const hosts = Number(process.env.BENCH_HOSTS ?? 20);
const pagesPerHost = Number(process.env.BENCH_PAGES_PER_HOST ?? 1000);
const PER_LISTING = 50;
let served = 0;
let first = 0;
let last = 0;
/** Gaps between consecutive requests to the same host, in ms (what politeness is about). */
const gaps: number[] = [];
const lastAt = new Map<string, number>();

const filler = 'Security forces committed arbitrary arrests; the government did not investigate. '.repeat(20);

function handle(path: string, host: string): { status: number; type: string; body: string } {
  if (path === '/robots.txt') return { status: 200, type: 'text/plain', body: 'User-agent: *\nAllow: /\n' };
  if (path === '/2024/') {
    const listings = Math.ceil(pagesPerHost / PER_LISTING);
    const links = Array.from(
      { length: listings },
      (_, i) => `<li><a href="/2024/list-${i}.html">Part ${i}</a></li>`,
    );
    return {
      status: 200,
      type: 'text/html',
      body: `<html><body><h1>Reports</h1><ul>${links.join('')}</ul></body></html>`,
    };
  }
  const listing = /^\/2024\/list-(\d+)\.html$/.exec(path);
  if (listing) {
    const start = Number(listing[1]) * PER_LISTING;
    const links = [];
    for (let i = start; i < Math.min(start + PER_LISTING, pagesPerHost); i++)
      links.push(`<li><a href="/2024/honduras-${i}.html">Honduras report ${i}</a></li>`);
    return { status: 200, type: 'text/html', body: `<html><body><ul>${links.join('')}</ul></body></html>` };
  }
  const page = /^\/2024\/honduras-(\d+)\.html$/.exec(path);
  if (page)
    return {
      status: 200,
      type: 'text/html',
      body: `<html><body><h1>Honduras ${page[1]} (${host})</h1><h2>Section 1</h2><p>${filler}</p></body></html>`,
    };
  return { status: 404, type: 'text/plain', body: 'not found' };
}

const servers: Server[] = [];
let port = 0;
for (let i = 0; i < hosts; i++) {
  const address = `127.0.0.${i + 2}`;
  const server = createServer((req, res) => {
    const now = Date.now();
    served++;
    first ||= now;
    last = now;
    const previous = lastAt.get(address);
    if (previous) gaps.push(now - previous);
    lastAt.set(address, now);
    const { status, type, body } = handle(new URL(req.url ?? '/', 'http://x').pathname, address);
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) }).end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  servers.push(server);
}

process.on('message', (message) => {
  if (message === 'stats') {
    const sorted = [...gaps].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    process.send?.({
      served,
      first,
      last,
      gapMs: { min: sorted[0] ?? 0, median: at(0.5), p90: at(0.9), p99: at(0.99) },
    });
  }
  if (message === 'stop') process.exit(0);
});
// The benchmark died: do not outlive it.
process.on('disconnect', () => process.exit(0));
process.send?.({ port, hosts: servers.map((s) => `${(s.address() as AddressInfo).address}:${port}`) });
