import { describe, expect, it } from 'vitest';
import { bluebookDate, citePassage, sectionPin } from '../../core/citation.ts';
import { loadSources, SourceRegistry } from '../../core/sources.ts';
import { samplePassage } from '../helpers/samples.ts';

const hrr = new SourceRegistry(loadSources()).require('us-dos-hrr');

describe('citations', () => {
  it('formats dates the Bluebook way', () => {
    expect(bluebookDate('2026-03-03T10:00:00Z')).toBe('Mar. 3, 2026');
    expect(bluebookDate('2025-09-30T23:00:00Z')).toBe('Sept. 30, 2025');
    expect(bluebookDate('2025-06-01T00:00:00Z')).toBe('June 1, 2025');
  });

  it.each([
    [
      ['Section 6. Discrimination and Societal Abuses', 'Women', 'Rape and Domestic Violence'],
      '§ 6 (“Women: Rape and Domestic Violence”)',
    ],
    [
      [
        'Section 1. Respect for the Integrity of the Person',
        'c. Torture and Other Cruel, Inhuman, or Degrading Treatment',
      ],
      '§ 1.c',
    ],
    [
      ['Section 1. Respect', 'c. Torture', 'Prison and Detention Center Conditions'],
      '§ 1.c (“Prison and Detention Center Conditions”)',
    ],
    [['Executive Summary'], '(“Executive Summary”)'],
    [[], ''],
  ])('pins %j as %s', (path, pin) => {
    expect(sectionPin(path)).toBe(pin);
  });

  it('cites a State Department passage in full and short form with the section and last-visited date', () => {
    const citation = citePassage(samplePassage, hrr);
    expect(citation.full).toBe(
      "U.S. Dep't of State, Bureau of Democracy, Human Rights, and Labor, Guatemala 2023 Human Rights Report § 6 (“Women”) (2024), https://www.state.gov/reports/2023-country-reports-on-human-rights-practices/guatemala/ (last visited Mar. 3, 2026)",
    );
    expect(citation.short).toBe('2023 Guatemala HRR § 6 (“Women”)');
    expect(citation.fullHtml).toContain('<i>Guatemala 2023 Human Rights Report</i>');
  });

  it('adds the PDF page, and a page range when the passage runs over a page break', () => {
    expect(citePassage({ ...samplePassage, page: 41, pageEnd: 41 }, hrr).pin).toBe('§ 6 (“Women”), at 41');
    expect(citePassage({ ...samplePassage, page: 41, pageEnd: 42 }, hrr).short).toBe(
      '2023 Guatemala HRR § 6 (“Women”), at 41–42',
    );
  });

  it('links to the anchor when the page has one', () => {
    expect(citePassage({ ...samplePassage, anchor: 'women' }, hrr).full).toContain(
      '/guatemala/#women (last visited',
    );
  });
});
