/**
 * One schema for the environment and the global CLI flags, parsed once at start. A flag beats its
 * environment variable; a bad value stops the program with a message naming the variable and what it expects.
 */
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_SOURCES_FILE } from './sources.ts';

const Port = z.coerce
  .number({ error: 'expected a port number' })
  .int('expected a whole number')
  .min(0, 'expected a port between 0 and 65535')
  .max(65535, 'expected a port between 0 and 65535');

export const Config = z
  .object({
    dataDir: z.string().min(1),
    port: Port,
    host: z.string().min(1),
    sourcesFile: z.string().min(1),
    meiliUrl: z.string().url('expected a URL such as http://127.0.0.1:7700').optional(),
    meiliMasterKey: z.string().min(1).optional(),
    indexPrefix: z.string().regex(/^[A-Za-z0-9_-]*$/, 'expected letters, digits, "-" or "_"'),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    /** Origins allowed to call the API from a browser: "*" or a comma-separated list; empty = same origin. */
    corsOrigins: z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean),
      )
      .pipe(
        z.array(
          z.union([
            z.literal('*'),
            z
              .string()
              .regex(/^https?:\/\/[^/\s]+$/, 'expected "*" or origins such as https://example.org (no path)'),
          ]),
        ),
      ),
    /** API requests per minute per client address without a key; 0 requires a key. */
    anonymousRatePerMinute: z.coerce
      .number({ error: 'expected a number of requests per minute' })
      .int('expected a whole number')
      .min(0, 'expected 0 (keys only) or more'),
    /** API requests per minute for a key without a rate of its own. */
    keyRatePerMinute: z.coerce
      .number({ error: 'expected a number of requests per minute' })
      .int('expected a whole number')
      .min(1, 'expected 1 or more'),
    trustProxy: z
      .enum(['true', 'false', '1', '0'], { error: 'expected true or false' })
      .transform((v) => v === 'true' || v === '1'),
  })
  .superRefine((c, ctx) => {
    if (c.meiliMasterKey && !c.meiliUrl) {
      ctx.addIssue({
        code: 'custom',
        path: ['meiliUrl'],
        message: 'MEILI_MASTER_KEY is set but MEILI_URL is not; set both to use an existing server',
      });
    }
  });
export type Config = z.infer<typeof Config>;

/** Where each config field comes from, so errors can name the flag or variable the user actually set. */
const ORIGIN: Record<keyof Config, { env: string; flag?: string }> = {
  dataDir: { env: 'COUNTRYCITE_DATA', flag: '--data' },
  port: { env: 'PORT', flag: '--port' },
  host: { env: 'HOST', flag: '--host' },
  sourcesFile: { env: 'COUNTRYCITE_SOURCES', flag: '--sources' },
  meiliUrl: { env: 'MEILI_URL' },
  meiliMasterKey: { env: 'MEILI_MASTER_KEY' },
  indexPrefix: { env: 'COUNTRYCITE_INDEX_PREFIX' },
  logLevel: { env: 'LOG_LEVEL' },
  corsOrigins: { env: 'COUNTRYCITE_CORS_ORIGINS' },
  anonymousRatePerMinute: { env: 'COUNTRYCITE_ANONYMOUS_RATE' },
  keyRatePerMinute: { env: 'COUNTRYCITE_KEY_RATE' },
  trustProxy: { env: 'COUNTRYCITE_TRUST_PROXY' },
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface ConfigFlags {
  data?: string | undefined;
  port?: string | number | undefined;
  host?: string | undefined;
  sources?: string | undefined;
}

export function resolveConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const blank = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v);
  const raw = {
    dataDir: path.resolve(flags.data ?? blank(env.COUNTRYCITE_DATA) ?? 'data'),
    port: flags.port ?? blank(env.PORT) ?? 8787,
    host: flags.host ?? blank(env.HOST) ?? '127.0.0.1',
    sourcesFile: path.resolve(flags.sources ?? blank(env.COUNTRYCITE_SOURCES) ?? DEFAULT_SOURCES_FILE),
    meiliUrl: blank(env.MEILI_URL),
    meiliMasterKey: blank(env.MEILI_MASTER_KEY),
    indexPrefix: env.COUNTRYCITE_INDEX_PREFIX ?? '',
    logLevel: blank(env.LOG_LEVEL) ?? 'info',
    corsOrigins: env.COUNTRYCITE_CORS_ORIGINS ?? '',
    anonymousRatePerMinute: blank(env.COUNTRYCITE_ANONYMOUS_RATE) ?? 60,
    keyRatePerMinute: blank(env.COUNTRYCITE_KEY_RATE) ?? 600,
    trustProxy: blank(env.COUNTRYCITE_TRUST_PROXY) ?? 'false',
  };
  const fromFlag: Partial<Record<keyof Config, boolean>> = {
    dataDir: flags.data !== undefined,
    port: flags.port !== undefined,
    host: flags.host !== undefined,
    sourcesFile: flags.sources !== undefined,
  };
  const result = Config.safeParse(raw);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const key = issue.path[0] as keyof Config;
      const origin = ORIGIN[key];
      const name = fromFlag[key] && origin.flag ? origin.flag : origin.env;
      const value = raw[key];
      return `${name}=${JSON.stringify(value)}: ${issue.message}`;
    }),
  );
}
