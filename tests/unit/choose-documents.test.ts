import { describe, expect, it } from 'vitest';
import { Capture } from '../../core/archive.ts';
import { loadSources, SourceRegistry } from '../../core/sources.ts';
import { chooseDocuments } from '../../indexer/indexer.ts';

const sources = new SourceRegistry(loadSources());
const capture = (fields: Partial<Capture>): Capture =>
  Capture.parse({
    sha256: 'a'.repeat(64),
    bytes: 10,
    url: 'https://www.gov.uk/government/publications/a',
    fetchedAt: '2026-01-01T00:00:00.000Z',
    status: 200,
    contentType: 'text/html',
    etag: null,
    lastModified: null,
    source: 'uk-cpin',
    edition: 2024,
    country: 'SV',
    role: 'document',
    format: 'html',
    origin: 'crawl',
    ...fields,
  });

describe('choosing the capture of each document', () => {
  it('keeps the parts of a series apart and prefers the newest capture of each', () => {
    const { chosen } = chooseDocuments(
      [
        capture({ part: 'gangs', url: 'https://www.gov.uk/a', fetchedAt: '2026-01-01T00:00:00.000Z' }),
        capture({
          part: 'gangs',
          url: 'https://www.gov.uk/a',
          sha256: 'b'.repeat(64),
          fetchedAt: '2026-02-01T00:00:00.000Z',
        }),
        capture({ part: 'women-fearing-gender-based-violence', url: 'https://www.gov.uk/b' }),
      ],
      sources,
    );
    expect(chosen.map((c) => c.id).sort()).toEqual([
      'uk-cpin_sv_2024_gangs',
      'uk-cpin_sv_2024_women-fearing-gender-based-violence',
    ]);
    expect(chosen.find((c) => c.part === 'gangs')?.capture.sha256).toBe('b'.repeat(64));
  });

  it('says why a capture cannot be placed in a document', () => {
    const { chosen, unplaced } = chooseDocuments(
      [capture({ country: null }), capture({ source: 'nobody' })],
      sources,
    );
    expect(chosen).toEqual([]);
    expect(unplaced.map((u) => u.reason)).toEqual([
      'the capture has no country or edition',
      'source "nobody" is not in sources.yaml',
    ]);
  });
});
