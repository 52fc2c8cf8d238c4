import { describe, expect, it } from 'vitest';
import { retryAfterMs } from '../../crawler/fetcher.ts';
import { Frontier } from '../../crawler/frontier.ts';
import { isPrivateAddress, NetworkPolicy } from '../../crawler/network-policy.ts';
import { canonicalUrl, compilePattern, expandSeed, matchPattern } from '../../crawler/patterns.ts';
import { RobotsPolicy } from '../../crawler/robots.ts';
import { CrawlState, type FrontierEntry } from '../../crawler/state.ts';

describe('URL patterns', () => {
  const country = compilePattern(
    'https://www.state.gov/reports/{edition}-country-reports-on-human-rights-practices/{country}/',
  );
  const pdf = compilePattern('https://www.state.gov/wp-content/uploads/*/*/*HUMAN-RIGHTS-REPORT*.pdf');

  it('reads the edition and country slug from a matching URL', () => {
    expect(
      matchPattern(
        country,
        'https://www.state.gov/reports/2023-country-reports-on-human-rights-practices/el-salvador/',
      ),
    ).toEqual({
      edition: 2023,
      countrySlug: 'el-salvador',
    });
    expect(
      matchPattern(country, 'https://www.state.gov/reports/2023-country-reports-on-human-rights-practices/'),
    ).toBeNull();
  });

  it('matches file names case-insensitively and * within one path segment', () => {
    expect(
      matchPattern(
        pdf,
        'https://www.state.gov/wp-content/uploads/2024/02/528267_GUATEMALA-2023-HUMAN-RIGHTS-REPORT.pdf',
      ),
    ).toEqual({});
    expect(
      matchPattern(pdf, 'https://www.state.gov/wp-content/uploads/2024/02/extra/x-HUMAN-RIGHTS-REPORT.pdf'),
    ).toBeNull();
  });

  it('requires a placeholder used twice to match the same value', () => {
    const twice = compilePattern('https://www.amnesty.org/en/location/*/*/{country}/report-{country}/');
    expect(
      matchPattern(
        twice,
        'https://www.amnesty.org/en/location/americas/central-america/honduras/report-honduras/',
      ),
    ).toEqual({
      countrySlug: 'honduras',
    });
    expect(
      matchPattern(
        twice,
        'https://www.amnesty.org/en/location/americas/central-america/honduras/report-cuba/',
      ),
    ).toBeNull();
  });

  it('expands seeds for each edition and canonicalises URLs', () => {
    expect(expandSeed('https://x.org/{edition}/', [2022, 2023]).map((s) => s.url)).toEqual([
      'https://x.org/2022/',
      'https://x.org/2023/',
    ]);
    expect(canonicalUrl('HTTPS://WWW.State.gov:443/a#section-6')).toBe('https://www.state.gov/a');
  });
});

describe('network policy (SSRF)', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.20.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '::1',
    'fe80::1',
    'fd00::1',
    '::ffff:127.0.0.1',
    '0.0.0.0',
  ])('treats %s as private', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['8.8.8.8', '23.1.2.3', '2606:4700::1111'])('treats %s as public', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });

  it('allows only listed hosts, and private addresses only through a listed host', () => {
    const policy = new NetworkPolicy(['www.state.gov', '127.0.0.1:8080']);
    expect(policy.allows(new URL('https://www.state.gov/x'))).toBe(true);
    expect(policy.allows(new URL('https://evil.example/x'))).toBe(false);
    expect(policy.allows(new URL('http://127.0.0.1:8080/x'))).toBe(true);
    expect(policy.mayUsePrivateAddress('127.0.0.1')).toBe(true);
    expect(policy.mayUsePrivateAddress('www.state.gov')).toBe(false);
  });
});

describe('robots.txt policy', () => {
  const body =
    'User-agent: *\nDisallow: /private/\nCrawl-delay: 5\n\nUser-agent: CountryCiteBot\nDisallow: /no-bots/\nCrawl-delay: 2\n';

  it('applies the group for our product token and says which line decided', () => {
    const policy = RobotsPolicy.fromBody('https://example.org', body);
    expect(policy.check('https://example.org/no-bots/page', 'CountryCiteBot')).toEqual({
      allowed: false,
      reason: 'robots.txt line 6',
    });
    expect(policy.check('https://example.org/private/page', 'CountryCiteBot').allowed).toBe(true);
    expect(policy.check('https://example.org/private/page', 'OtherBot').allowed).toBe(false);
    expect(policy.crawlDelaySeconds('CountryCiteBot')).toBe(2);
  });

  it('allows everything when robots.txt is missing and nothing when it is unreachable', () => {
    expect(
      new RobotsPolicy('https://a.org', 'unavailable', Date.now(), null, 'HTTP 404').check(
        'https://a.org/x',
        'CountryCiteBot',
      ).allowed,
    ).toBe(true);
    const unreachable = new RobotsPolicy('https://a.org', 'unreachable', Date.now(), null, 'HTTP 503');
    expect(unreachable.check('https://a.org/x', 'CountryCiteBot').allowed).toBe(false);
  });

  it('expires after 24 hours, and an unreachable answer after an hour', () => {
    const now = Date.now();
    const parsed = RobotsPolicy.fromBody('https://a.org', body, now);
    expect(parsed.expired(now + 23 * 3600_000)).toBe(false);
    expect(parsed.expired(now + 25 * 3600_000)).toBe(true);
    expect(new RobotsPolicy('https://a.org', 'unreachable', now, null, 'x').expired(now + 2 * 3600_000)).toBe(
      true,
    );
  });

  it('reads only the first 500 KiB', () => {
    const huge = `User-agent: *\nAllow: /\n${'# padding\n'.repeat(60_000)}User-agent: *\nDisallow: /late/\n`;
    expect(
      RobotsPolicy.fromBody('https://a.org', huge).check('https://a.org/late/x', 'CountryCiteBot').allowed,
    ).toBe(true);
  });
});

describe('Retry-After', () => {
  it('reads seconds and HTTP dates', () => {
    expect(retryAfterMs('120')).toBe(120_000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});

describe('frontier', () => {
  const entry = (host: string, n: number): FrontierEntry => ({
    url: `http://${host}/page-${n}`,
    source: 's',
    host,
    role: 'listing',
    format: null,
    edition: null,
    country: null,
    title: null,
    part: null,
    rule: null,
  });

  it('runs one request at a time per host, at most one per host delay, hosts in parallel', async () => {
    const state = new CrawlState(':memory:');
    state.openRun('test');
    state.enqueue([1, 2, 3].flatMap((n) => [entry('a', n), entry('b', n)]));
    const frontier = new Frontier(state, { maxInFlight: 8 });
    frontier.setDelay('a', 0.05);
    frontier.setDelay('b', 0.05);
    const spans: Record<string, { start: number; end: number }[]> = { a: [], b: [] };
    const active: Record<string, number> = { a: 0, b: 0 };
    let maxPerHost = 0;
    let maxOverall = 0;
    // Host a's first request waits until host b's first has started: hosts that were not served in
    // parallel would never get there.
    let bStarted!: () => void;
    const bHasStarted = new Promise<void>((resolve) => {
      bStarted = resolve;
    });
    await frontier.run(async (e) => {
      await frontier.request(e.host, async () => {
        active[e.host] = (active[e.host] ?? 0) + 1;
        maxPerHost = Math.max(maxPerHost, active[e.host] ?? 0);
        maxOverall = Math.max(maxOverall, (active.a ?? 0) + (active.b ?? 0));
        const start = Date.now();
        if (e.host === 'b') bStarted();
        if (e.url === 'http://a/page-1') await bHasStarted;
        await new Promise((r) => setTimeout(r, 5));
        active[e.host] = (active[e.host] ?? 1) - 1;
        spans[e.host]?.push({ start, end: Date.now() });
      });
      state.finish(e.url, { outcome: 'unchanged', fetched: true });
    });
    expect(maxPerHost).toBe(1);
    expect(maxOverall).toBe(2);
    for (const host of ['a', 'b'] as const) {
      const s = spans[host] ?? [];
      expect(s).toHaveLength(3);
      for (let i = 1; i < s.length; i++) {
        expect((s[i]?.start ?? 0) - (s[i - 1]?.start ?? 0)).toBeGreaterThanOrEqual(49);
        expect(s[i]?.start ?? 0).toBeGreaterThanOrEqual(s[i - 1]?.end ?? 0);
      }
    }
    expect(state.counts()[0]?.done).toBe(6);
  });

  it('picks up URLs queued while it runs, and holds a host off when asked', async () => {
    const state = new CrawlState(':memory:');
    state.openRun('test');
    state.enqueue([entry('a', 1)]);
    const frontier = new Frontier(state);
    frontier.setDelay('a', 0);
    frontier.setDelay('c', 0);
    const visited: string[] = [];
    let heldUntil = 0;
    await frontier.run(async (e) => {
      visited.push(e.url);
      if (e.url === 'http://a/page-1') {
        frontier.holdOff('c', 60);
        heldUntil = Date.now() + 60;
      }
      await frontier.request(e.host, async () => {
        if (e.host === 'c') expect(Date.now()).toBeGreaterThanOrEqual(heldUntil - 1);
      });
      const added = state.finish(e.url, {
        outcome: 'unchanged',
        fetched: true,
        discovered: e.url.endsWith('page-1') ? [entry('a', 2), entry('c', 1), entry('a', 1)] : [],
      });
      frontier.wake(added.map((x) => x.host));
    });
    expect(visited.sort()).toEqual(['http://a/page-1', 'http://a/page-2', 'http://c/page-1']);
  });

  it('honours a robots Crawl-delay above the configured delay, up to the cap', () => {
    const frontier = new Frontier(new CrawlState(':memory:'));
    frontier.setDelay('h', 1, 10_000);
    // 300 s cap: an absurd Crawl-delay cannot stall a crawl for hours.
    expect(frontier.delayOf('h')).toBe(300_000);
    frontier.setDelay('h', 2, 1);
    expect(frontier.delayOf('h')).toBe(2000);
  });
});
