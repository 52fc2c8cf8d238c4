/**
 * What to fetch next and when: one p-queue per host with concurrency 1, and a next-allowed-time clock per
 * host set to max(the source's minimum delay, robots Crawl-delay capped) after every request. A global
 * queue bounds the work in flight across hosts.
 */
import PQueue from 'p-queue';

export const MAX_CRAWL_DELAY_SECONDS = 300;

interface HostState {
  queue: PQueue;
  nextAllowedAt: number;
  delayMs: number;
}

export class Frontier {
  private readonly hosts = new Map<string, HostState>();
  private readonly global: PQueue;

  constructor(
    maxInFlight = 16,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    this.global = new PQueue({ concurrency: maxInFlight });
  }

  private host(host: string): HostState {
    let state = this.hosts.get(host);
    if (!state) {
      state = { queue: new PQueue({ concurrency: 1 }), nextAllowedAt: 0, delayMs: 1000 };
      this.hosts.set(host, state);
    }
    return state;
  }

  /** Sets the minimum gap between two requests to a host (the larger of the configured and robots delays). */
  setDelay(host: string, configuredSeconds: number, robotsSeconds?: number): void {
    const robots = Math.min(robotsSeconds ?? 0, MAX_CRAWL_DELAY_SECONDS);
    this.host(host).delayMs = Math.max(configuredSeconds, robots) * 1000;
  }

  /** Runs `task` when the host is free and its delay has passed; the task may make several requests via `pace`. */
  schedule<T>(host: string, task: (pace: () => Promise<void>) => Promise<T>, priority = 0): Promise<T> {
    const state = this.host(host);
    const pace = async () => {
      const wait = state.nextAllowedAt - Date.now();
      if (wait > 0) await this.sleep(wait);
      state.nextAllowedAt = Date.now() + state.delayMs;
    };
    return state.queue.add(() => this.global.add(() => task(pace)), { priority }) as Promise<T>;
  }

  async idle(): Promise<void> {
    for (;;) {
      await Promise.all([...this.hosts.values()].map((h) => h.queue.onIdle()));
      if ([...this.hosts.values()].every((h) => h.queue.size === 0 && h.queue.pending === 0)) return;
    }
  }
}
