/**
 * `countrycite keys` as an operator uses it, against a running `countrycite serve` that requires keys: a
 * key created on the command line works at once, a revoked one stops at once, and the keys file never
 * holds a key itself.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../core/meilisearch.ts';
import { REPO_ROOT } from '../helpers/corpus.ts';

const BIN = path.join(REPO_ROOT, 'bin', 'countrycite.js');
let data: string;
let server: ChildProcess | undefined;

beforeAll(async () => {
  data = await mkdtemp(path.join(os.tmpdir(), 'countrycite-keys-cli-'));
});
afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server?.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  await rm(data, { recursive: true, force: true });
});

/**
 * A GET on a connection of its own: the commands run between requests can outlast the server's keep-alive
 * timeout, and a reused connection the server has just closed would fail the request.
 */
async function get(url: string, key?: string): Promise<{ status: number; headers: Headers }> {
  const dispatcher = new Agent();
  try {
    const response = await fetch(url, {
      headers: key ? { authorization: `Bearer ${key}` } : {},
      dispatcher,
    } as RequestInit);
    await response.arrayBuffer();
    return { status: response.status, headers: response.headers };
  } finally {
    await dispatcher.close();
  }
}

const keys = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, '--data', data, 'keys', ...args], { cwd: REPO_ROOT, encoding: 'utf8' });

async function serveRequiringKeys(): Promise<string> {
  const port = await freePort();
  const child = spawn(process.execPath, [BIN, '--data', data, '--port', String(port), 'serve'], {
    cwd: REPO_ROOT,
    env: { ...process.env, COUNTRYCITE_ANONYMOUS_RATE: '0', LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server = child;
  const output: string[] = [];
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (l) => output.push(l));
  return new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (l) => {
      const m = /running at (http:\/\/\S+)/.exec(l);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${output.join('\n')}`)));
  });
}

describe('countrycite keys', () => {
  it('explains itself', () => {
    const help = keys('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/create[\s\S]*list[\s\S]*revoke/);
    expect(keys('create', '--help').stdout).toContain('--rate <n>');
  });

  it('creates, lists and revokes keys that a running server honours at once', async () => {
    const url = await serveRequiringKeys();
    expect((await get(`${url}/api/sources`)).status).toBe(401);

    const created = keys('create', '--name', 'Legal aid clinic', '--rate', '120');
    expect(created.status).toBe(0);
    const key = /\b(cck_[A-Za-z0-9_-]{43})\b/.exec(created.stdout)?.[1] as string;
    const id = /\b(key_[a-z0-9]{8})\b/.exec(created.stdout)?.[1] as string;
    expect(key).toBeDefined();
    expect(created.stdout).toMatch(/120 requests a minute/);

    const file = await readFile(path.join(data, 'api-keys.json'), 'utf8');
    expect(file).not.toContain(key);
    const listed = keys('list');
    expect(listed.stdout).toContain(id);
    expect(listed.stdout).toContain('Legal aid clinic');
    expect(listed.stdout).not.toContain(key);
    const json = JSON.parse(keys('list', '--json').stdout) as Record<string, unknown>[];
    expect(json[0]).not.toHaveProperty('hash');

    const ok = await get(`${url}/api/sources`, key);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('ratelimit-limit')).toBe('120');

    expect(keys('revoke', id).stdout).toContain(`Revoked ${id}`);
    const revoked = await get(`${url}/api/sources`, key);
    expect(revoked.status).toBe(401);

    const unknown = keys('revoke', 'key_00000000');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/No API key has the id "key_00000000"/);
    const noName = keys('create', '--name', '  ');
    expect(noName.status).not.toBe(0);
    expect(noName.stderr).toContain('expected a name of 1 to 200 characters');
  });
});
