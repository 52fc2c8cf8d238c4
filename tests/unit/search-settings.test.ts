import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HIGHLIGHT_POST as POST, HIGHLIGHT_PRE as PRE } from '../../core/search-index.ts';
import { loadTaxonomy, Taxonomy } from '../../core/taxonomy.ts';
import { exactWords, passageSettings, searchSynonyms } from '../../indexer/settings.ts';
import { editionLabel, filterLiteral, markMatches } from '../../server/search.ts';
import { FIXTURES } from '../helpers/corpus.ts';

const taxonomy = loadTaxonomy(path.join(FIXTURES, 'taxonomy.yaml'));

describe('synonyms generated from the taxonomy', () => {
  const synonyms = searchSynonyms(taxonomy) as Record<string, string[]>;

  it('makes every spelling in a group stand for every other', () => {
    expect(synonyms.fgm).toEqual(['female circumcision', 'female genital mutilation', 'fgm/c']);
    expect(synonyms['female genital mutilation']).toEqual(['female circumcision', 'fgm', 'fgm/c']);
    expect(synonyms['mara salvatrucha']).toEqual(['ms-13']);
    expect(synonyms['ms-13']).toEqual(['mara salvatrucha']);
    expect(synonyms['lgbtqi+']).toEqual(['lgbt', 'lgbti', 'lgbtq+']);
  });

  it('comes from synonym groups only, not from the terms that produce a tag', () => {
    expect(synonyms.women).toBeUndefined();
    expect(synonyms.gangs).toBeUndefined();
  });

  it('unites the groups a spelling belongs to', () => {
    const merged = searchSynonyms(
      Taxonomy.parse({
        ...taxonomy,
        topics: [
          { id: 'a', label: 'A', terms: ['a'], synonyms: [['IDP', 'internally displaced person']] },
          { id: 'b', label: 'B', terms: ['b'], synonyms: [['IDP', 'displaced person']] },
        ],
      }),
    );
    expect(merged?.idp).toEqual(['displaced person', 'internally displaced person']);
    expect(merged?.['displaced person']).toEqual(['idp']);
  });

  it('turns typos off for the short codes among them, and for numbers', () => {
    expect(exactWords(taxonomy)).toEqual(['fgm', 'lgbt', 'lgbti', 'lgbtq', 'lgbtqi', 'ms']);
    const settings = passageSettings(taxonomy);
    expect(settings.typoTolerance).toMatchObject({
      disableOnNumbers: true,
      disableOnWords: exactWords(taxonomy),
    });
    expect(settings.synonyms).toEqual(synonyms);
  });
});

describe('filter literals', () => {
  it.each([
    ['HN', '"HN"'],
    ['HN" OR country != "XX', '"HN\\" OR country != \\"XX"'],
    ['a\\" OR 1', '"a\\\\\\" OR 1"'],
    ['trailing\\', '"trailing\\\\"'],
  ])('quotes %s so it stays one value', (value, literal) => {
    expect(filterLiteral(value)).toBe(literal);
  });
});

describe('marking matches', () => {
  it('marks by UTF-8 byte offsets, as Meilisearch reports them', () => {
    const text = 'In “Tegucigalpa” — café owners paid';
    const start = Buffer.byteLength('In “Tegucigalpa” — ');
    expect(markMatches(text, [{ start, length: Buffer.byteLength('café') }])).toBe(
      `In “Tegucigalpa” — ${PRE}café${POST} owners paid`,
    );
  });

  it('ignores overlapping and out-of-range positions', () => {
    expect(
      markMatches('abc def', [
        { start: 0, length: 3 },
        { start: 1, length: 2 },
        { start: 6, length: 9 },
      ]),
    ).toBe(`${PRE}abc${POST} def`);
  });
});

describe('edition labels', () => {
  it('names latest and historical editions the way a brief would', () => {
    expect(editionLabel({ edition: 2024, latest: true, supersededBy: null })).toBe('2024 edition (latest)');
    expect(editionLabel({ edition: 2023, latest: false, supersededBy: 2024 })).toBe(
      '2023 edition (historical; superseded by the 2024 edition)',
    );
  });
});
