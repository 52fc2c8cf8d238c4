import { describe, expect, it } from 'vitest';
import { Document, Passage } from '../../core/contract.ts';
import { samplePassage } from '../helpers/samples.ts';

describe('contract', () => {
  it('accepts a complete passage', () => {
    expect(Passage.parse(samplePassage)).toEqual(samplePassage);
  });

  it.each([
    ['a lower-case country', { country: 'gt' }],
    ['an unknown ground', { grounds: ['gender'] }],
    ['an id with spaces', { id: 'a b' }],
    ['a page of zero', { page: 0 }],
    ['a tag without terms', { matches: [{ axis: 'ground', tag: 'race', terms: [] }] }],
  ])('rejects %s', (_name, change) => {
    expect(Passage.safeParse({ ...samplePassage, ...change }).success).toBe(false);
  });

  it('accepts a document with its outline', () => {
    const {
      id: _id,
      documentId,
      mentions: _m,
      anchor: _a,
      page: _p,
      pageEnd: _e,
      sectionPath: _s,
      paragraph: _g,
      order: _o,
      text: _t,
      grounds: _gr,
      topics: _to,
      elements: _el,
      matches: _ma,
      revision: _r,
      ...shared
    } = samplePassage;
    const doc = {
      ...shared,
      id: documentId,
      format: 'text',
      pages: null,
      passages: 1,
      outline: [
        {
          sectionPath: ['Section 6. Discrimination and Societal Abuses'],
          firstPassage: 0,
          passages: 1,
          page: null,
        },
      ],
      indexerVersion: 1,
    };
    expect(Document.parse(doc).id).toBe('us-dos-hrr_gt_2023');
  });
});
