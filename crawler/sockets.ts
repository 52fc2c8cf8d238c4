/**
 * A global cap on open sockets. undici's Agent limits connections per origin only, and keeps idle
 * keep-alive sockets open, so a crawl of many hosts would hold one socket per host. This connector wraps
 * undici's own: a new connection waits for a free slot, and when all slots are taken it closes an idle
 * socket (one whose origin has no request in flight) to make room, so the cap holds without stalling.
 */
import type { Socket } from 'node:net';
import { buildConnector } from 'undici';

/** The key undici's connector and the fetcher agree on: protocol, bare hostname and port ("" by default). */
export function originKey(url: { protocol: string; hostname: string; port: string }): string {
  return `${url.protocol}//${url.hostname.replace(/^\[|\]$/g, '')}:${url.port}`;
}

interface Tracked {
  socket: Socket;
  origin: string;
}

export class SocketBudget {
  private readonly open = new Set<Tracked>();
  private readonly waiting: (() => void)[] = [];
  private readonly inFlight = new Map<string, number>();
  /** Most sockets open at once (for tests and the benchmark). */
  peak = 0;

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new Error(`the socket cap must be 1 or more, got ${max}`);
  }

  /**
   * Marks a request to `origin` (an `originKey`) as started; call the returned function once its body has
   * been read or dropped, so its socket counts as idle again.
   */
  begin(origin: string): () => void {
    this.inFlight.set(origin, (this.inFlight.get(origin) ?? 0) + 1);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      const n = (this.inFlight.get(origin) ?? 1) - 1;
      if (n > 0) this.inFlight.set(origin, n);
      else this.inFlight.delete(origin);
      // A connection may be waiting for a slot that an idle socket of this origin now frees.
      if (n <= 0 && this.waiting.length) this.evictIdle();
    };
  }

  /** undici's connector with the cap applied. */
  connector(options: buildConnector.BuildOptions): buildConnector.connector {
    const connect = buildConnector(options);
    return (opts, callback) => {
      const origin = originKey(opts);
      this.acquire().then(() => {
        connect(opts, (error, socket) => {
          if (error || !socket) {
            this.release();
            callback(error ?? new Error('connect failed'), null);
            return;
          }
          const tracked: Tracked = { socket, origin };
          this.open.add(tracked);
          this.peak = Math.max(this.peak, this.open.size);
          socket.once('close', () => {
            if (this.open.delete(tracked)) this.release();
          });
          callback(null, socket);
        });
      });
    };
  }

  private slotsTaken = 0;

  private acquire(): Promise<void> {
    if (this.slotsTaken < this.max) {
      this.slotsTaken++;
      return Promise.resolve();
    }
    this.evictIdle();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.slotsTaken--;
  }

  /** Closes one socket whose origin has nothing in flight; its slot goes to the first waiter. */
  private evictIdle(): void {
    for (const tracked of this.open) {
      if (!this.inFlight.has(tracked.origin)) {
        tracked.socket.destroy();
        return;
      }
    }
  }
}
