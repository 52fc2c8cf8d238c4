/**
 * The embedded Meilisearch: hash checked before execution, 127.0.0.1 on a free port, data and key under the
 * data dir (key mode 0600), health-waited, and never left running after its parent ends — by a normal stop,
 * SIGINT, SIGTERM or even SIGKILL.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import {
  connectSearchEngine,
  isAlive,
  MEILISEARCH_SHA256,
  packagedBinaryPath,
  SearchEngineError,
  sha256File,
  verifiedBinary,
} from '../../core/meilisearch.ts';
import { REPO_ROOT } from '../helpers/corpus.ts';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'countrycite-meili-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function waitGone(pid: number, ms = 8000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !isAlive(pid);
}

/** Starts the engine in a separate Node process and returns that process and the Meilisearch pid. */
async function engineInChild(dataDir: string): Promise<{ child: ChildProcess; pid: number }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(REPO_ROOT, 'tests/helpers/engine-child.ts'), dataDir],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`child exited with ${code} before Meilisearch started`)));
  });
  const { pid } = JSON.parse(first) as { pid: number };
  return { child, pid };
}

describe('embedded Meilisearch', () => {
  it('ships the pinned binary with the expected hash', async () => {
    expect(await sha256File(packagedBinaryPath())).toBe(MEILISEARCH_SHA256);
  });

  it('refuses to execute a binary whose hash does not match, and runs nothing', async () => {
    const dir = await tempDir();
    const marker = path.join(dir, 'executed');
    const fake = path.join(dir, 'meilisearch');
    await writeFile(fake, `#!/bin/sh\ntouch "${marker}"\n`);
    await chmod(fake, 0o755);
    await expect(verifiedBinary(fake, dir)).rejects.toThrow(
      /Refusing to run .*sha256 is [a-f0-9]{64}, expected 5354d854/,
    );
    await expect(
      connectSearchEngine({ dataDir: dir, binaryPath: fake, stopOnExit: false }),
    ).rejects.toBeInstanceOf(SearchEngineError);
    await expect(stat(marker)).rejects.toThrow();
  });

  it('tells the user to install Meilisearch and set MEILI_URL on an unsupported platform', () => {
    expect(() => packagedBinaryPath('darwin', 'arm64')).toThrow(
      /only available on Linux x64 .*darwin\/arm64.*Install Meilisearch.*set MEILI_URL/,
    );
  });

  it('listens on 127.0.0.1 on a free port, keeps its data and a 0600 master key under the data dir, and stops', async () => {
    const dataDir = await tempDir();
    const engine = await connectSearchEngine({ dataDir, stopOnExit: false });
    try {
      expect(engine.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(engine.owned).toBe(true);
      expect(await engine.client.health()).toEqual({ status: 'available' });
      const keyFile = path.join(dataDir, 'meilisearch', 'master-key');
      expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
      expect((await readFile(keyFile, 'utf8')).trim()).toBe(engine.masterKey);
      expect((await stat(path.join(dataDir, 'meilisearch', 'db'))).isDirectory()).toBe(true);
      // The key is required: an unauthenticated request is refused.
      const anonymous = await fetch(`${engine.url}/indexes`);
      expect(anonymous.status).toBe(401);
      // The key is passed in the environment, not on the command line.
      const cmdline = await readFile(`/proc/${engine.pid}/cmdline`, 'utf8');
      expect(cmdline).not.toContain(engine.masterKey);
      expect(cmdline).toContain('127.0.0.1:');
    } finally {
      await engine.stop();
    }
    expect(await waitGone(engine.pid as number)).toBe(true);
  });

  it('reuses the master key across restarts', async () => {
    const dataDir = await tempDir();
    const first = await connectSearchEngine({ dataDir, stopOnExit: false });
    await first.stop();
    const second = await connectSearchEngine({ dataDir, stopOnExit: false });
    await second.stop();
    expect(second.masterKey).toBe(first.masterKey);
  });

  it('lets a second process on the same data dir reuse the running server', async () => {
    const dataDir = await tempDir();
    const owner = await connectSearchEngine({ dataDir, stopOnExit: false });
    try {
      const borrower = await connectSearchEngine({ dataDir, stopOnExit: false });
      expect(borrower.owned).toBe(false);
      expect(borrower.url).toBe(owner.url);
      await borrower.stop();
      expect(isAlive(owner.pid as number)).toBe(true);
    } finally {
      await owner.stop();
    }
  });

  it.each(['SIGINT', 'SIGTERM', 'SIGKILL'] as const)(
    'leaves no orphan when its parent gets %s',
    async (signal) => {
      const { child, pid } = await engineInChild(await tempDir());
      expect(isAlive(pid)).toBe(true);
      child.kill(signal);
      expect(await waitGone(pid)).toBe(true);
    },
  );

  it('uses an existing server through MEILI_URL and MEILI_MASTER_KEY, and explains a wrong key', async () => {
    const dataDir = await tempDir();
    const owner = await connectSearchEngine({ dataDir, stopOnExit: false });
    try {
      const external = await connectSearchEngine({
        dataDir: await tempDir(),
        meiliUrl: owner.url,
        meiliMasterKey: owner.masterKey,
      });
      expect(external.owned).toBe(false);
      await expect(
        connectSearchEngine({
          dataDir: await tempDir(),
          meiliUrl: owner.url,
          meiliMasterKey: 'wrong-key-wrong-key',
        }),
      ).rejects.toThrow(/refused the key in MEILI_MASTER_KEY/);
      await expect(
        connectSearchEngine({ dataDir, meiliUrl: 'http://127.0.0.1:9', healthTimeoutMs: 500 }),
      ).rejects.toThrow(/Cannot reach Meilisearch at MEILI_URL=http:\/\/127\.0\.0\.1:9/);
    } finally {
      await owner.stop();
    }
  });
});
