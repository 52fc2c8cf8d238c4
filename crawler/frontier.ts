/**
 * What to fetch next and when. The queue itself is the crawl state on disk (state.ts); this module runs
 * one worker per host that takes that host's URLs one at a time, so a host never sees two requests at once,
 * and spaces them by a clock per host: a request starts no sooner than the host's delay (the larger of the
 * configured delay and robots.txt Crawl-delay, capped) after the previous response began, so the host sees
 * at most one request per delay however late a request reached it, and a slow body download costs no extra
 * wait. Redirect hops are paced the same way. A Retry-After or a backoff pushes the clock further out. A global limit bounds requests in flight across
 * hosts. Memory depends on the number of hosts, not on the number of pages.
 */
import PQueue from 'p-queue';
import type { CrawlState, QueuedEntry } from './state.ts';

export const MAX_CRAWL_DELAY_SECONDS = 300;

interface HostClock {
  nextAllowedAt: number;
  delayMs: number;
}

/** Hooks a request gets: `responded` when a response's headers arrive, `pace` before a further hop. */
export interface Pacing {
  responded(): void;
  pace(): Promise<void>;
}

export interface FrontierOptions {
  /** Requests in flight across all hosts. */
  maxInFlight?: number;
  sleep?: (ms: number) => Promise<void>;
}

export class Frontier {
  private readonly clocks = new Map<string, HostClock>();
  private readonly global: PQueue;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly workers = new Map<string, Promise<void>>();
  private visit: ((entry: QueuedEntry) => Promise<void>) | undefined;
  private failure: unknown;
  private settle: (() => void) | undefined;

  constructor(
    private readonly state: CrawlState,
    options: FrontierOptions = {},
  ) {
    this.global = new PQueue({ concurrency: options.maxInFlight ?? 16 });
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  private clock(host: string): HostClock {
    let clock = this.clocks.get(host);
    if (!clock) {
      clock = { nextAllowedAt: 0, delayMs: 1000 };
      this.clocks.set(host, clock);
    }
    return clock;
  }

  /** Sets the minimum gap between two requests to a host (the larger of the configured and robots delays). */
  setDelay(host: string, configuredSeconds: number, robotsSeconds?: number): void {
    const robots = Math.min(robotsSeconds ?? 0, MAX_CRAWL_DELAY_SECONDS);
    const clock = this.clock(host);
    const delayMs = Math.max(configuredSeconds, robots) * 1000;
    // A longer delay learnt after a request (robots.txt's Crawl-delay) applies to the gap already running.
    if (clock.nextAllowedAt > 0 && delayMs > clock.delayMs) clock.nextAllowedAt += delayMs - clock.delayMs;
    clock.delayMs = delayMs;
  }

  delayOf(host: string): number {
    return this.clock(host).delayMs;
  }

  /** Keeps the host quiet for at least `ms` from now (Retry-After, backoff). */
  holdOff(host: string, ms: number): void {
    const clock = this.clock(host);
    clock.nextAllowedAt = Math.max(clock.nextAllowedAt, Date.now() + ms);
  }

  /** Runs one request to `host` when its clock allows and a global slot is free. */
  async request<T>(host: string, send: (pacing: Pacing) => Promise<T>): Promise<T> {
    const clock = this.clock(host);
    // Only this host's worker moves its clock, so a wait taken before queueing for a global slot holds.
    await this.waitFor(clock);
    return this.global.add(async () => {
      clock.nextAllowedAt = Date.now() + clock.delayMs;
      let responded = false;
      const pacing: Pacing = {
        responded: () => {
          responded = true;
          clock.nextAllowedAt = Math.max(clock.nextAllowedAt, Date.now() + clock.delayMs);
        },
        pace: async () => {
          await this.waitFor(clock);
          clock.nextAllowedAt = Date.now() + clock.delayMs;
        },
      };
      try {
        return await send(pacing);
      } finally {
        // No answer at all (refused, timed out): count the delay from the failure.
        if (!responded) clock.nextAllowedAt = Math.max(clock.nextAllowedAt, Date.now() + clock.delayMs);
      }
    });
  }

  private async waitFor(clock: HostClock): Promise<void> {
    for (;;) {
      const wait = clock.nextAllowedAt - Date.now();
      if (wait <= 0) return;
      await this.sleep(wait);
    }
  }

  /**
   * Visits every queued URL, host by host, until none is left, including those queued while running (call
   * `wake` for their hosts). `visit` must end each URL in the crawl state; an error it throws stops the run.
   */
  async run(visit: (entry: QueuedEntry) => Promise<void>): Promise<void> {
    this.visit = visit;
    const finished = new Promise<void>((resolve) => {
      this.settle = resolve;
    });
    this.wake(this.state.queuedHosts());
    if (this.workers.size === 0) return;
    await finished;
    if (this.failure) throw this.failure;
  }

  /** Starts a worker for each host that has none (after URLs were queued for it). */
  wake(hosts: Iterable<string>): void {
    if (!this.visit || this.failure) return;
    for (const host of hosts) {
      if (this.workers.has(host)) continue;
      this.workers.set(host, this.work(host));
    }
  }

  private async work(host: string): Promise<void> {
    // Start on a later tick so `wake` returns before the first visit runs.
    await Promise.resolve();
    try {
      for (;;) {
        if (this.failure) break;
        const entry = this.state.next(host);
        if (!entry) break;
        await (this.visit as (entry: QueuedEntry) => Promise<void>)(entry);
      }
    } catch (error) {
      this.failure ??= error;
    } finally {
      this.workers.delete(host);
      if (this.workers.size === 0) this.settle?.();
    }
  }
}
