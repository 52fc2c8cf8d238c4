/**
 * API keys for consumers of the JSON API, kept in <data>/api-keys.json. Only a SHA-256 of each key is
 * stored: a key is 256 random bits, so a slow password hash would add nothing, and whoever reads the file
 * cannot call the API with what they find. The file is written atomically (temp file, fsync, rename) with
 * mode 0600, so a crash or a concurrent reader never sees half a file. `countrycite keys` manages it; the
 * server re-reads it when it changes, so a key created or revoked while the server runs takes effect at
 * once.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';

export const KEYS_FILE_NAME = 'api-keys.json';

const KEY_PREFIX = 'cck_';
/** Enough of a key to recognise it in a list without being able to use it. */
const SHOWN_CHARACTERS = KEY_PREFIX.length + 6;

export const ApiKeyRecord = z.strictObject({
  id: z.string().regex(/^key_[a-z0-9]{8}$/),
  name: z.string().min(1).max(200),
  /** sha256 of the whole key, hex. */
  hash: z.string().regex(/^[a-f0-9]{64}$/),
  /** The first characters of the key ("cck_Ab12Cd"), to tell keys apart. */
  shown: z.string(),
  createdAt: z.string().datetime(),
  revokedAt: z.string().datetime().nullable(),
  /** Requests per minute for this key; null uses the server's default for keys. */
  ratePerMinute: z.number().int().positive().nullable(),
});
export type ApiKeyRecord = z.infer<typeof ApiKeyRecord>;

const KeysFile = z.strictObject({ version: z.literal(1), keys: z.array(ApiKeyRecord) });
type KeysFile = z.infer<typeof KeysFile>;

export class KeyFileError extends Error {
  override name = 'KeyFileError';
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export type KeyCheck =
  | { status: 'valid'; record: ApiKeyRecord }
  | { status: 'revoked'; record: ApiKeyRecord }
  | { status: 'unknown' };

export class KeyStore {
  private cache: { version: string; byHash: Map<string, ApiKeyRecord> } | undefined;

  constructor(readonly file: string) {}

  static inDataDir(dataDir: string): KeyStore {
    return new KeyStore(path.join(dataDir, KEYS_FILE_NAME));
  }

  private async read(): Promise<KeysFile> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, keys: [] };
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new KeyFileError(
        `${this.file} is not valid JSON (${(error as Error).message}). Restore it from a backup, or delete it and create the keys again with "countrycite keys create".`,
      );
    }
    const parsed = KeysFile.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new KeyFileError(
        `${this.file}: ${issue?.path.join('.') || 'file'}: ${issue?.message}. The file is written by "countrycite keys"; restore it from a backup rather than editing it.`,
      );
    }
    return parsed.data;
  }

  private async write(file: KeysFile): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    await writeFileAtomic(this.file, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, fsync: true });
    this.cache = undefined;
  }

  async list(): Promise<ApiKeyRecord[]> {
    return (await this.read()).keys;
  }

  /** Makes a key; the key itself is returned once and never stored. */
  async create(options: {
    name: string;
    ratePerMinute?: number | null;
    now?: Date;
  }): Promise<{ key: string; record: ApiKeyRecord }> {
    const file = await this.read();
    const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    let id: string;
    do id = `key_${randomBytes(5).toString('hex').slice(0, 8)}`;
    while (file.keys.some((k) => k.id === id));
    const record = ApiKeyRecord.parse({
      id,
      name: options.name,
      hash: hashKey(key),
      shown: key.slice(0, SHOWN_CHARACTERS),
      createdAt: (options.now ?? new Date()).toISOString(),
      revokedAt: null,
      ratePerMinute: options.ratePerMinute ?? null,
    });
    await this.write({ ...file, keys: [...file.keys, record] });
    return { key, record };
  }

  /** Revokes by id ("key_1a2b3c4d"); revoking twice keeps the first date. */
  async revoke(id: string, now = new Date()): Promise<ApiKeyRecord> {
    const file = await this.read();
    const record = file.keys.find((k) => k.id === id);
    if (!record) {
      const known = file.keys.map((k) => k.id).join(', ') || 'none';
      throw new KeyFileError(
        `No API key has the id "${id}" (keys: ${known}). "countrycite keys list" shows them.`,
      );
    }
    const revoked = { ...record, revokedAt: record.revokedAt ?? now.toISOString() };
    await this.write({ ...file, keys: file.keys.map((k) => (k.id === id ? revoked : k)) });
    return revoked;
  }

  /** Looks a presented key up by its hash; the file is re-read only when it changed. */
  async check(key: string): Promise<KeyCheck> {
    const record = (await this.byHash()).get(hashKey(key));
    if (!record) return { status: 'unknown' };
    return record.revokedAt ? { status: 'revoked', record } : { status: 'valid', record };
  }

  private async byHash(): Promise<Map<string, ApiKeyRecord>> {
    // Every write is a rename, so a new inode number (or modification time) means a new file.
    const version = await stat(this.file).then(
      (s) => `${s.ino}:${s.mtimeMs}`,
      () => 'absent',
    );
    if (this.cache?.version === version) return this.cache.byHash;
    const byHash = new Map((await this.read()).keys.map((k) => [k.hash, k]));
    this.cache = { version, byHash };
    return byHash;
  }
}
