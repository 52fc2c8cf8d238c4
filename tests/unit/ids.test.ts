import { describe, expect, it } from 'vitest';
import { documentId, passageId, slugify } from '../../core/ids.ts';

describe('ids', () => {
  it('slugifies names with accents and apostrophes', () => {
    expect(slugify("Côte d'Ivoire")).toBe('cote-divoire');
    expect(slugify('  El Salvador ')).toBe('el-salvador');
  });

  it('derives a document id from source, country and edition', () => {
    expect(documentId({ source: 'us-dos-hrr', country: 'GT', edition: 2023 })).toBe('us-dos-hrr_gt_2023');
    expect(documentId({ source: 'uk-cpin', country: 'AL', edition: 2024, part: 'Blood feuds' })).toBe(
      'uk-cpin_al_2024_blood-feuds',
    );
  });

  it('gives the same passage id for the same section and words, whatever the whitespace or case', () => {
    const a = passageId(
      'us-dos-hrr_gt_2023',
      ['Section 6.', 'Women'],
      'Observers noted femicide remained a problem.',
    );
    const b = passageId(
      'us-dos-hrr_gt_2023',
      ['Section 6.', 'Women'],
      '  Observers  noted\nfemicide remained a problem. ',
    );
    expect(a).toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.byteLength(a)).toBeLessThanOrEqual(511);
  });

  it('changes the id when the words, the section or the occurrence change', () => {
    const base = passageId('d', ['Women'], 'Text one.');
    expect(passageId('d', ['Women'], 'Text two.')).not.toBe(base);
    expect(passageId('d', ['Children'], 'Text one.')).not.toBe(base);
    expect(passageId('d', ['Women'], 'Text one.', 2)).toBe(`${base}-2`);
  });

  it('rejects ids Meilisearch would refuse', () => {
    expect(() => documentId({ source: 'x', country: 'G T', edition: 2023 })).toThrow();
  });
});
