import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashKey, KeyFileError, KeyStore } from '../../server/keys.ts';

const freshStore = async () => KeyStore.inDataDir(await mkdtemp(path.join(os.tmpdir(), 'countrycite-keys-')));

describe('the API key store', () => {
  it('keeps only a hash of each key, in a file only its owner can read', async () => {
    const store = await freshStore();
    const { key, record } = await store.create({ name: 'Clinic', ratePerMinute: 120 });
    expect(key).toMatch(/^cck_[A-Za-z0-9_-]{43}$/);
    const text = await readFile(store.file, 'utf8');
    expect(text).not.toContain(key);
    expect(text).toContain(hashKey(key));
    expect((await stat(store.file)).mode & 0o777).toBe(0o600);
    expect(record).toMatchObject({ name: 'Clinic', ratePerMinute: 120, revokedAt: null });
    expect(key.startsWith(record.shown)).toBe(true);
    expect(await store.list()).toEqual([record]);
  });

  it('checks a presented key, and sees keys created or revoked by another process', async () => {
    const store = await freshStore();
    const server = new KeyStore(store.file);
    expect(await server.check('cck_anything')).toEqual({ status: 'unknown' });
    const { key, record } = await store.create({ name: 'Clinic' });
    expect(await server.check(key)).toEqual({ status: 'valid', record });
    await store.revoke(record.id);
    expect((await server.check(key)).status).toBe('revoked');
  });

  it('names the id it cannot revoke and the ones it knows', async () => {
    const store = await freshStore();
    const { record } = await store.create({ name: 'Clinic' });
    await expect(store.revoke('key_00000000')).rejects.toThrow(
      new RegExp(`No API key has the id "key_00000000" \\(keys: ${record.id}\\)`),
    );
  });

  it('refuses a damaged file with a message naming it and what to do', async () => {
    const store = await freshStore();
    await writeFile(store.file, '{"version":1,"keys":[{"id":"oops"}]}');
    await expect(store.list()).rejects.toThrow(KeyFileError);
    await expect(store.list()).rejects.toThrow(/api-keys\.json: keys\.0\.id: .*restore it from a backup/);
    await writeFile(store.file, 'not json');
    await expect(store.check('x')).rejects.toThrow(/is not valid JSON/);
  });
});
