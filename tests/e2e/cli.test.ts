/**
 * The countrycite command as a user runs it: help on every command, clear errors for bad configuration,
 * import then serve, a clean stop on SIGTERM with no Meilisearch left behind, and `start` keeping the
 * server up when a publisher cannot be reached.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, isAlive } from '../../core/meilisearch.ts';
import { FIXTURES, REPO_ROOT } from '../helpers/corpus.ts';
import { writeTestSources } from '../helpers/crawl-sources.ts';
import { html, startSite } from '../helpers/site.ts';

const BIN = path.join(REPO_ROOT, 'bin', 'countrycite.js');
let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'countrycite-cli-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [BIN, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
}

/** Like `run`, without blocking this process: for commands that talk to a server running in the test. */
function runAsync(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => {
      stdout += String(d);
    });
    child.stderr?.on('data', (d) => {
      stderr += String(d);
    });
    child.once('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Starts a long-running command and resolves with the URL it prints. */
async function launch(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ child: ChildProcess; url: string; output: string[] }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (l) => output.push(l));
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  lines.on('line', (l) => output.push(l));
  const url = await new Promise<string>((resolve, reject) => {
    lines.on('line', (l) => {
      const m = /running at (http:\/\/\S+)/.exec(l);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output.join('\n')}`)));
  });
  return { child, url, output };
}

async function waitFor(check: () => boolean | Promise<boolean>, ms = 30_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

describe('countrycite CLI', () => {
  it('explains itself with --help, on every command', () => {
    const top = run(['--help']);
    expect(top.status).toBe(0);
    for (const command of ['start', 'serve', 'crawl', 'sources', 'import', 'index'])
      expect(top.stdout).toContain(command);
    expect(top.stdout).toMatch(/--data <dir>.*COUNTRYCITE_DATA/s);
    for (const [command, flag] of [
      ['crawl', '--dry-run'],
      ['crawl', '--max-pages'],
      ['sources', '--json'],
      ['import', '--country'],
      ['index', '--force'],
      ['index', '--rebuild'],
      ['serve', '--port <n>'],
      ['start', '--data <dir>'],
    ] as const) {
      const help = run([command, '--help']);
      expect(help.status).toBe(0);
      expect(help.stdout).toContain(flag);
    }
  });

  it('stops with a message naming the variable when the configuration is bad', () => {
    const result = run(['serve'], { PORT: 'eighty', COUNTRYCITE_DATA: path.join(work, 'bad') });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('PORT="eighty": expected a port number');
  });

  it('stops with the file, line and field when sources.yaml is bad', async () => {
    const bad = path.join(work, 'bad-sources.yaml');
    const good = await readFile(path.join(REPO_ROOT, 'sources.yaml'), 'utf8');
    await writeFile(bad, good.replace('cadence: annual', 'cadence: yearly'));
    const result = run(['--sources', bad, '--data', path.join(work, 'bad2'), 'index']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /bad-sources\.yaml:\d+: sources\[0\] \(id: us-dos-hrr\) → cadence: Invalid option/,
    );
  });

  it('rejects a bad flag value with a clear message', () => {
    const result = run(['import', FIXTURES, '--edition', 'last-year']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('expected a four-digit year');
    const visited = run(['import', FIXTURES, '--visited', 'yesterday']);
    expect(visited.status).not.toBe(0);
    expect(visited.stderr).toContain('expected a date written YYYY-MM-DD');
    const future = run(['import', FIXTURES, '--visited', '2999-01-01']);
    expect(future.stderr).toContain('2999-01-01 is not a past date');
  });

  it('says what is wrong, without a stack trace, for a missing path, an unknown source or an unreachable MEILI_URL', async () => {
    const data = path.join(work, 'usage');
    const missing = run(['--data', data, 'import', path.join(work, 'no-such-dir')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/Nothing to import: .*no-such-dir does not exist\. Check the path\./);
    const unknown = run(['--data', data, 'crawl', '--source', 'bogus', '--dry-run']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/^Unknown source "bogus"\. Known sources: us-dos-hrr/);
    const noFile = run(['--data', data, '--sources', path.join(work, 'none.yaml'), 'sources']);
    expect(noFile.stderr).toMatch(/none\.yaml does not exist\. Check the path\./);
    // Waiting for an external server must keep the process alive until it can say why it gave up.
    const meili = run(['--data', data, 'index'], {
      MEILI_URL: `http://127.0.0.1:${await freePort()}`,
      MEILI_MASTER_KEY: 'a-key-that-is-long-enough',
    });
    expect(meili.status).toBe(1);
    expect(meili.stderr).toMatch(/Cannot reach Meilisearch at MEILI_URL=http:\/\/127\.0\.0\.1:\d+/);
    for (const result of [missing, unknown, noFile, meili]) expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('imports a tree, serves it, and stops cleanly on SIGTERM with no Meilisearch left', async () => {
    const data = path.join(work, 'served');
    const imported = run([
      '--data',
      data,
      'import',
      path.join(FIXTURES, 'reports'),
      '--visited',
      '2026-03-01',
    ]);
    expect(imported.status).toBe(0);
    expect(imported.stdout).toMatch(/Imported 2 files/);
    expect(imported.stdout).toMatch(/Indexed 2 documents \(\d+ passages\)/);
    const rebuilt = run(['--data', data, 'index', '--rebuild']);
    expect(rebuilt.status).toBe(0);
    expect(rebuilt.stdout).toMatch(/Rebuilt the index from 2 documents \(\d+ passages\)/);
    expect(rebuilt.stdout).toContain('swapped in atomically');

    const port = await freePort();
    const { child, url } = await launch(['--data', data, '--port', String(port), 'serve']);
    expect(url).toBe(`http://127.0.0.1:${port}`);
    const response = await fetch(`${url}/api/search?q=femicide&country=HN`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { hits: { sectionPath: string[]; citation: { full: string } }[] };
    expect(body.hits.some((h) => h.sectionPath.includes('Women'))).toBe(true);
    // --visited is the day the files left their URLs, and that is what the citation says.
    expect(body.hits[0]?.citation.full).toMatch(/\(last visited Mar\. 1, 2026\)$/);
    const instance = JSON.parse(await readFile(path.join(data, 'meilisearch', 'instance.json'), 'utf8')) as {
      pid: number;
    };
    expect(isAlive(instance.pid)).toBe(true);

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(await waitFor(() => !isAlive(instance.pid), 10_000)).toBe(true);
  });

  it('start: keeps serving and says so in plain words when a publisher cannot be reached', async () => {
    const closedPort = await freePort();
    // A publisher on a port nothing listens on.
    const sourcesFile = writeTestSources(path.join(work, 'unreachable.yaml'), {
      hosts: [`127.0.0.1:${closedPort}`],
      seeds: [{ url: `http://127.0.0.1:${closedPort}/reports/{edition}/`, editions: [2023] }],
      follow: [
        {
          match: `http://127.0.0.1:${closedPort}/reports/{edition}/{country}/`,
          role: 'document',
          format: 'html',
        },
      ],
    });
    const port = await freePort();
    const { child, url, output } = await launch(
      ['--data', path.join(work, 'start'), '--sources', sourcesFile, '--port', String(port), 'start'],
      {
        LOG_LEVEL: 'silent',
      },
    );
    try {
      expect(await waitFor(() => output.some((l) => l.includes('could not be reached')))).toBe(true);
      expect(output.join('\n')).toMatch(/The index is empty: crawling the sources/);
      expect(output.join('\n')).toMatch(
        new RegExp(
          `127\\.0\\.0\\.1:${closedPort} could not be reached: the connection was refused, so nothing was fetched from it`,
        ),
      );
      // The summary does not call a crawl that fetched nothing "no failures".
      expect(await waitFor(() => output.some((l) => l.includes('nothing fetched')))).toBe(true);
      expect(output.join('\n')).toMatch(
        /test-source: 1 URL, 0 fetched, 0 new captures, .*1 not fetched \(robots\.txt could not be read/,
      );
      const health = await fetch(`${url}/health`);
      expect(health.status).toBe(200);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
    }
  });

  it('crawl: a progress line, page failures in the summary with exit 0, then sources shows the crawl', async () => {
    const site = await startSite({
      '/robots.txt': { type: 'text/plain', body: 'User-agent: *\nAllow: /\n' },
      '/2024/': html(
        '<a href="/2024/honduras.html">Honduras</a><a href="/2024/guatemala.html">Guatemala</a><a href="/2024/gone.html">El Salvador</a>',
      ),
      '/2024/honduras.html': html('<p>Honduras report</p>'),
      '/2024/guatemala.html': html('<p>Guatemala report</p>'),
    });
    try {
      const sourcesFile = writeTestSources(path.join(work, 'crawl-cli.yaml'), {
        hosts: [site.host],
        seeds: [{ url: `${site.origin}/{edition}/`, editions: [2024] }],
        follow: [{ match: `${site.origin}/{edition}/{country}.html`, role: 'document', format: 'html' }],
      });
      const data = path.join(work, 'crawl-cli');
      const dry = await runAsync(
        ['--data', data, '--sources', sourcesFile, 'crawl', '--dry-run', '--country', 'HN'],
        {
          LOG_LEVEL: 'silent',
        },
      );
      expect(dry.status).toBe(0);
      expect(dry.stdout).toContain(`would fetch ${site.origin}/2024/honduras.html`);
      expect(dry.stdout).not.toContain('guatemala.html');

      const crawled = await runAsync(['--data', data, '--sources', sourcesFile, 'crawl', '--no-index'], {
        LOG_LEVEL: 'silent',
      });
      expect(crawled.status).toBe(0);
      expect(crawled.stderr).toMatch(/Crawling: 4\/4/);
      expect(crawled.stdout).toMatch(/test-source: 4 URLs, 3 fetched, 3 new captures, .*failed: 1 http-4xx/);
      expect(crawled.stdout).toContain('/2024/gone.html: HTTP 404');

      const listed = run(['--data', data, '--sources', sourcesFile, 'sources']);
      expect(listed.status).toBe(0);
      expect(listed.stdout).toMatch(/test-source {2}Test source test-source/);
      expect(listed.stdout).toMatch(/licence: Public domain \(full text\)/);
      expect(listed.stdout).toMatch(
        /archive: 2 document captures, 1 listing page capture, editions 2024–2024/,
      );
      expect(listed.stdout).toMatch(
        /last crawl: \S+: 4 URLs, 3 fetched, 3 new captures, .*failed: 1 http-4xx/,
      );
      const json = JSON.parse(
        run(['--data', data, '--sources', sourcesFile, 'sources', '--json']).stdout,
      ) as {
        id: string;
        documents: number;
      }[];
      expect(json[0]).toMatchObject({ id: 'test-source', documents: 2 });

      const unknown = run(['--data', data, '--sources', sourcesFile, 'crawl', '--source', 'nope']);
      expect(unknown.status).toBe(1);
      expect(unknown.stderr).toContain('Unknown source "nope". Known sources: test-source.');
    } finally {
      await site.close();
    }
  });

  it('sources: lists the ten real series with their display rules', () => {
    const listed = run(['--data', path.join(work, 'empty'), 'sources']);
    expect(listed.status).toBe(0);
    for (const id of ['us-dos-hrr', 'uk-cpin', 'unhcr-guidelines', 'euaa-coi', 'amnesty-ar', 'fh-fiw'])
      expect(listed.stdout).toContain(id);
    expect(listed.stdout).toMatch(
      /amnesty-ar .*\n {2}licence: Creative Commons.*\(full text; non-commercial use only\)/,
    );
    expect(listed.stdout).toMatch(/hrw-wr[^\n]*\n[^\n]*snippet \+ link/);
    expect(listed.stdout).toContain('last crawl: never');
  });
});
