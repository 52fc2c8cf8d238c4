import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GROUNDS } from '../../core/contract.ts';
import { loadTaxonomy } from '../../core/taxonomy.ts';
import { Tagger } from '../../indexer/tag.ts';

describe('taxonomy', () => {
  it('defines the five protected grounds, each with terms', () => {
    const taxonomy = loadTaxonomy();
    expect(taxonomy.grounds.map((g) => g.id).sort()).toEqual([...GROUNDS].sort());
    for (const g of taxonomy.grounds) expect(g.terms.length).toBeGreaterThan(5);
  });

  it('rejects a taxonomy missing a ground', () => {
    const file = path.join(os.tmpdir(), `taxonomy-${process.pid}.yaml`);
    writeFileSync(
      file,
      'grounds:\n  - id: race\n    label: Race\n    terms: [race]\ntopics: []\nelements: []\n',
    );
    expect(() => loadTaxonomy(file)).toThrow(/ground "religion" is missing/);
  });
});

describe('tagger', () => {
  const tagger = new Tagger(loadTaxonomy());
  const grounds = (text: string) => tagger.tag(text).filter((m) => m.axis === 'ground');

  it('tags grounds and lists the terms that produced each tag', () => {
    const matches = grounds(
      'Journalists and opposition activists were detained; Garifuna communities faced ethnic discrimination.',
    );
    expect(matches.find((m) => m.tag === 'political-opinion')?.terms).toEqual(
      expect.arrayContaining(['journalists', 'opposition', 'activists']),
    );
    expect(matches.find((m) => m.tag === 'race')?.terms).toEqual(
      expect.arrayContaining(['garifuna', 'ethnic']),
    );
  });

  it('matches word endings only where the term asks for them', () => {
    expect(
      grounds('Religious leaders and churches were attacked.').find((m) => m.tag === 'religion')?.terms,
    ).toEqual(expect.arrayContaining(['religious', 'churches']));
    expect(grounds('The racecourse was closed.').some((m) => m.tag === 'race')).toBe(false);
  });

  it('ignores false friends', () => {
    expect(
      grounds('The presidential race was calm, and the race for mayor ended.').some((m) => m.tag === 'race'),
    ).toBe(false);
    expect(
      grounds('Racial discrimination persisted during the presidential race.').find((m) => m.tag === 'race')
        ?.terms,
    ).toEqual(['racial']);
  });
});
