import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../../core/config.ts';

describe('configuration', () => {
  it('has defaults for a fresh clone', () => {
    const config = resolveConfig({}, {});
    expect(config.port).toBe(8787);
    expect(config.host).toBe('127.0.0.1');
    expect(config.dataDir).toBe(path.resolve('data'));
    expect(config.meiliUrl).toBeUndefined();
  });

  it('prefers a flag over its environment variable', () => {
    const config = resolveConfig(
      { port: '9000', data: '/tmp/x' },
      { PORT: '8000', COUNTRYCITE_DATA: '/tmp/y' },
    );
    expect(config.port).toBe(9000);
    expect(config.dataDir).toBe('/tmp/x');
  });

  it('names the variable and what it expects when a value is bad', () => {
    expect(() => resolveConfig({}, { PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => resolveConfig({}, { PORT: 'eighty' })).toThrow(/PORT="eighty": expected a port number/);
    expect(() => resolveConfig({ port: '70000' }, {})).toThrow(
      /--port="70000": expected a port between 0 and 65535/,
    );
    expect(() => resolveConfig({}, { MEILI_URL: 'not a url' })).toThrow(
      /MEILI_URL="not a url": expected a URL/,
    );
  });

  it('refuses a master key without a server URL', () => {
    expect(() => resolveConfig({}, { MEILI_MASTER_KEY: 'k'.repeat(20) })).toThrow(/set both/);
  });
});
