import { describe, expect, it } from 'vitest';
import {
  bluebookDate,
  citationDate,
  cite,
  citePassage,
  cslJson,
  exhibitPin,
  headingAsCited,
  ris,
  sectionPin,
} from '../../core/citation.ts';
import type { Passage } from '../../core/contract.ts';
import { loadSources, SourceRegistry } from '../../core/sources.ts';
import { samplePassage } from '../helpers/samples.ts';

const registry = new SourceRegistry(loadSources());
const hrr = registry.require('us-dos-hrr');

describe('citations', () => {
  it('formats dates the Bluebook way', () => {
    expect(bluebookDate('2026-03-03T10:00:00Z')).toBe('Mar. 3, 2026');
    expect(bluebookDate('2025-09-30T23:00:00Z')).toBe('Sept. 30, 2025');
    expect(bluebookDate('2025-06-01T00:00:00Z')).toBe('June 1, 2025');
  });

  it('gives the publication date as precisely as the series is cited, never more precisely than known', () => {
    expect(citationDate('2024-06-24', 'month', 2024)).toBe('June 2024');
    expect(citationDate('2010-12-17', 'day', 2010)).toBe('Dec. 17, 2010');
    expect(citationDate('2024-06-24', 'year', 2024)).toBe('2024');
    expect(citationDate('2024', 'day', 2024)).toBe('2024');
    expect(citationDate('2025-01', 'day', 2025)).toBe('Jan. 2025');
    expect(citationDate(null, 'month', 2024)).toBe('2024');
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
    [
      ['Section II. Status of Government Respect for Religious Freedom', 'Legal Framework'],
      '§ II (“Legal Framework”)',
    ],
    [['2. Security situation', '2.4 Violence against women'], '§ 2.4'],
    [['EXECUTIVE SUMMARY'], 'at “Executive Summary”'],
    [['2023 Elections'], 'at “2023 Elections”'],
    [[], ''],
  ])('pins %j as %s', (path, pin) => {
    expect(sectionPin(path)).toBe(pin);
  });

  it('cites headings set in capitals in title case', () => {
    expect(headingAsCited('TRAFFICKING PROFILE')).toBe('Trafficking Profile');
    expect(headingAsCited('PROSECUTION OF THE OFFENDERS:')).toBe('Prosecution of the Offenders');
    expect(headingAsCited('Women')).toBe('Women');
  });

  it('cites a State Department passage in full and short form with the section and last-visited date', () => {
    const citation = citePassage(samplePassage, hrr);
    expect(citation.full).toBe(
      "U.S. Dep't of State, Bureau of Democracy, Human Rights, and Labor, Guatemala 2023 Human Rights Report § 6 (“Women”) (2024), https://www.state.gov/reports/2023-country-reports-on-human-rights-practices/guatemala/ (last visited Mar. 3, 2026)",
    );
    expect(citation.short).toBe('2023 Guatemala HRR § 6 (“Women”)');
    expect(citation.fullHtml).toContain('<i>Guatemala 2023 Human Rights Report</i>');
    expect(citation.shortHtml).toBe('<i>2023 Guatemala HRR</i> § 6 (“Women”)');
    expect(citation.lastVisited).toBe('Mar. 3, 2026');
  });

  it('adds the PDF page, and a page range when the passage runs over a page break', () => {
    expect(citePassage({ ...samplePassage, page: 41, pageEnd: 41 }, hrr).pin).toBe('§ 6 (“Women”), at 41');
    expect(citePassage({ ...samplePassage, page: 41, pageEnd: 42 }, hrr).short).toBe(
      '2023 Guatemala HRR § 6 (“Women”), at 41–42',
    );
  });

  it('cites a named part with "at", never as a parenthetical that runs into the date', () => {
    const summary = { ...samplePassage, sectionPath: ['Executive Summary'], page: null, pageEnd: null };
    const citation = citePassage(summary, hrr);
    expect(citation.full).toBe(
      "U.S. Dep't of State, Bureau of Democracy, Human Rights, and Labor, Guatemala 2023 Human Rights Report at “Executive Summary” (2024), https://www.state.gov/reports/2023-country-reports-on-human-rights-practices/guatemala/ (last visited Mar. 3, 2026)",
    );
    expect(citation.short).toBe('2023 Guatemala HRR at “Executive Summary”');
    expect(citePassage({ ...summary, page: 2, pageEnd: 2 }, hrr).short).toBe(
      '2023 Guatemala HRR at 2 (“Executive Summary”)',
    );
  });

  it('links to the anchor when the page has one', () => {
    expect(citePassage({ ...samplePassage, anchor: 'women' }, hrr).full).toContain(
      '/guatemala/#women (last visited',
    );
  });

  it('cites a whole document without a pin', () => {
    expect(cite(samplePassage, hrr).short).toBe('2023 Guatemala HRR');
  });

  it('writes the record cite to an exhibit page', () => {
    expect(exhibitPin('C', 45)).toBe('Exh. C at 45');
    expect(exhibitPin('AB', 112, 114)).toBe('Exh. AB at 112–114');
  });
});

/** A passage of one source, with the fields a citation reads. */
function passageOf(source: string, fields: Partial<Passage>): Passage {
  return {
    ...samplePassage,
    source,
    anchor: null,
    page: null,
    pageEnd: null,
    capture: { sha256: 'b'.repeat(64), fetchedAt: '2026-03-03T10:00:00.000Z' },
    ...fields,
  };
}

const VISITED = '(last visited Mar. 3, 2026)';

/** One row per series in sources.yaml: what an attorney would file, full and short. */
const TABLE: { source: string; passage: Partial<Passage>; full: string; short: string }[] = [
  {
    source: 'us-dos-hrr',
    passage: {
      title: 'Nicaragua 2023 Human Rights Report',
      country: 'NI',
      edition: 2023,
      publishedAt: '2024',
      url: 'https://www.state.gov/reports/2023-country-reports-on-human-rights-practices/nicaragua/',
      sectionPath: ['Section 6. Discrimination and Societal Abuses', 'Women', 'Rape and Domestic Violence'],
      page: 41,
      pageEnd: 42,
    },
    full: `U.S. Dep't of State, Bureau of Democracy, Human Rights, and Labor, Nicaragua 2023 Human Rights Report § 6 (“Women: Rape and Domestic Violence”), at 41–42 (2024), https://www.state.gov/reports/2023-country-reports-on-human-rights-practices/nicaragua/ ${VISITED}`,
    short: '2023 Nicaragua HRR § 6 (“Women: Rape and Domestic Violence”), at 41–42',
  },
  {
    source: 'us-dos-irf',
    passage: {
      title: '2023 Report on International Religious Freedom: Pakistan',
      country: 'PK',
      edition: 2023,
      publishedAt: '2024',
      url: 'https://www.state.gov/reports/2023-report-on-international-religious-freedom/pakistan/',
      sectionPath: ['Section II. Status of Government Respect for Religious Freedom', 'Legal Framework'],
    },
    full: `U.S. Dep't of State, Office of Int'l Religious Freedom, 2023 Report on International Religious Freedom: Pakistan § II (“Legal Framework”) (2024), https://www.state.gov/reports/2023-report-on-international-religious-freedom/pakistan/ ${VISITED}`,
    short: '2023 IRF Report: Pakistan § II (“Legal Framework”)',
  },
  {
    source: 'us-dos-tip',
    passage: {
      title: '2024 Trafficking in Persons Report: Nigeria',
      country: 'NG',
      edition: 2024,
      publishedAt: '2024-06-24',
      url: 'https://www.state.gov/reports/2024-trafficking-in-persons-report/nigeria/',
      sectionPath: ['PROTECTION'],
    },
    full: `U.S. Dep't of State, 2024 Trafficking in Persons Report: Nigeria at “Protection” (June 2024), https://www.state.gov/reports/2024-trafficking-in-persons-report/nigeria/ ${VISITED}`,
    short: '2024 TIP Report: Nigeria at “Protection”',
  },
  {
    source: 'uscirf-ar',
    passage: {
      title: 'USCIRF 2024 Annual Report: Nicaragua',
      country: 'NI',
      edition: 2024,
      publishedAt: '2024-05-01',
      url: 'https://www.uscirf.gov/sites/default/files/2024-05/Nicaragua.pdf',
      sectionPath: ['Key Findings'],
      page: 34,
      pageEnd: 34,
    },
    full: `U.S. Comm'n on Int'l Religious Freedom, 2024 Annual Report: Nicaragua 34 (May 2024), https://www.uscirf.gov/sites/default/files/2024-05/Nicaragua.pdf ${VISITED}`,
    short: 'USCIRF 2024 Ann. Rep.: Nicaragua at 34',
  },
  {
    source: 'uk-cpin',
    passage: {
      title: 'Country Policy and Information Note: Albania',
      country: 'AL',
      edition: 2023,
      publishedAt: '2023-11-15',
      url: 'https://www.gov.uk/government/publications/albania-country-policy-and-information-notes/country-policy-and-information-note-blood-feuds-albania-november-2023-accessible',
      sectionPath: ['3. Assessment', '3.1 Risk'],
      text: '3.1.2 In general, a person who fears a blood feud is not at risk on return.',
    },
    full: `UK Home Office, Country Policy and Information Note: Albania ¶ 3.1.2 (Nov. 2023), https://www.gov.uk/government/publications/albania-country-policy-and-information-notes/country-policy-and-information-note-blood-feuds-albania-november-2023-accessible ${VISITED}`,
    short: 'CPIN Albania ¶ 3.1.2',
  },
  {
    source: 'unhcr-guidelines',
    passage: {
      title: 'UNHCR Eligibility Guidelines: Afghanistan',
      country: 'AF',
      edition: 2010,
      publishedAt: '2010-12-17',
      url: 'https://www.refworld.org/policy/countrypos/unhcr/2010/en/77565',
      sectionPath: ['Eligibility for International Protection'],
      page: 12,
      pageEnd: 12,
    },
    full: `UNHCR, Eligibility Guidelines for Assessing the International Protection Needs of Asylum-Seekers from Afghanistan 12 (Dec. 17, 2010), https://www.refworld.org/policy/countrypos/unhcr/2010/en/77565 ${VISITED}`,
    short: 'UNHCR Afghanistan Guidelines at 12',
  },
  {
    source: 'euaa-coi',
    passage: {
      title: 'EUAA COI Report: Afghanistan',
      country: 'AF',
      edition: 2023,
      publishedAt: '2023-08',
      url: 'https://euaa.europa.eu/sites/default/files/publications/2023-08/2023_08_EUAA_COI_Report_Afghanistan_Targeting.pdf',
      sectionPath: ['2. Treatment of individuals', '2.4 Women and girls'],
      page: 58,
      pageEnd: 59,
    },
    full: `Eur. Union Agency for Asylum, EUAA COI Report: Afghanistan § 2.4, at 58–59 (Aug. 2023), https://euaa.europa.eu/sites/default/files/publications/2023-08/2023_08_EUAA_COI_Report_Afghanistan_Targeting.pdf ${VISITED}`,
    short: 'EUAA COI Afghanistan § 2.4, at 58–59',
  },
  {
    source: 'hrw-wr',
    passage: {
      title: 'World Report 2025: El Salvador',
      country: 'SV',
      edition: 2025,
      publishedAt: '2025-01-16',
      url: 'https://www.hrw.org/world-report/2025/country-chapters/el-salvador',
      sectionPath: ['State of Emergency and Abuses by Security Forces'],
      anchor: 'state-of-emergency',
    },
    full: `Human Rights Watch, World Report 2025: El Salvador at “State of Emergency and Abuses by Security Forces” (Jan. 2025), https://www.hrw.org/world-report/2025/country-chapters/el-salvador#state-of-emergency ${VISITED}`,
    short: 'HRW World Report 2025: El Salvador at “State of Emergency and Abuses by Security Forces”',
  },
  {
    source: 'amnesty-ar',
    passage: {
      title: "The State of the World's Human Rights: Nicaragua 2024",
      country: 'NI',
      edition: 2024,
      publishedAt: '2025-04-29',
      url: 'https://www.amnesty.org/en/documents/pol10/8515/2025/en/',
      sectionPath: ['Nicaragua', 'Freedom of association'],
      page: 176,
      pageEnd: 176,
    },
    // The title ends in a numeral: ", at" keeps the page apart from it (Bluebook R. 3.2(a)).
    full: `Amnesty Int'l, The State of the World's Human Rights: Nicaragua 2024, at 176 (2025), https://www.amnesty.org/en/documents/pol10/8515/2025/en/ ${VISITED}`,
    short: 'Amnesty 2024 Report: Nicaragua at 176',
  },
  {
    source: 'fh-fiw',
    passage: {
      title: 'Freedom in the World 2025: Nicaragua',
      country: 'NI',
      edition: 2025,
      publishedAt: '2025',
      url: 'https://freedomhouse.org/country/nicaragua/freedom-world/2025',
      sectionPath: ['Civil Liberties', 'D. Freedom of Expression and Belief', 'D1 0-4 pts'],
    },
    full: `Freedom House, Freedom in the World 2025: Nicaragua, indicator D1 (2025), https://freedomhouse.org/country/nicaragua/freedom-world/2025 ${VISITED}`,
    short: 'FIW 2025 Nicaragua D1',
  },
];

describe('citation forms for every series in sources.yaml', () => {
  it('covers every source', () => {
    expect(TABLE.map((row) => row.source).sort()).toEqual(registry.sources.map((s) => s.id).sort());
  });

  it.each(TABLE)('$source', ({ source, passage, full, short }) => {
    const citation = citePassage(passageOf(source, passage), registry.require(source));
    expect(citation.full).toBe(full);
    expect(citation.short).toBe(short);
    expect(citation.lastVisited).toBe('Mar. 3, 2026');
  });

  it('falls back to the named part when a page-cited report is read from HTML', () => {
    const amnesty = registry.require('amnesty-ar');
    const row = TABLE.find((r) => r.source === 'amnesty-ar');
    const html = passageOf('amnesty-ar', { ...row?.passage, page: null, pageEnd: null });
    expect(citePassage(html, amnesty).short).toBe(
      'Amnesty 2024 Report: Nicaragua at “Nicaragua: Freedom of association”',
    );
  });
});

describe('reference-manager exports', () => {
  const passage = passageOf('us-dos-hrr', {
    ...TABLE[0]?.passage,
    publishedAt: '2024-04-22',
    capture: { sha256: 'c'.repeat(64), fetchedAt: '2026-03-03T10:00:00.000Z' },
  });

  it('writes CSL-JSON with the Bluebook author, both titles, the dates, the pages and the capture', () => {
    const item = cslJson(passage.id, passage, hrr, passage);
    expect(item).toMatchObject({
      id: passage.id,
      type: 'report',
      title: 'Nicaragua 2023 Human Rights Report',
      'title-short': '2023 Nicaragua HRR',
      author: [{ literal: "U.S. Dep't of State, Bureau of Democracy, Human Rights, and Labor" }],
      publisher: 'U.S. Department of State, Bureau of Democracy, Human Rights, and Labor',
      'collection-title': 'Country Reports on Human Rights Practices',
      issued: { 'date-parts': [[2024, 4, 22]] },
      accessed: { 'date-parts': [[2026, 3, 3]] },
      URL: 'https://www.state.gov/reports/2023-country-reports-on-human-rights-practices/nicaragua/',
      page: '41-42',
      archive_location: `sha256:${'c'.repeat(64)}`,
    });
    expect(item.section).toBe(
      'Section 6. Discrimination and Societal Abuses › Women › Rape and Domestic Violence',
    );
    expect(item.note).toContain('Pin cite: § 6 (“Women: Rape and Domestic Violence”), at 41–42.');
  });

  it('writes RIS with CRLF lines, a report type, pages, access date and an end tag', () => {
    const text = ris(passage.id, passage, hrr, passage);
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('TY  - RPRT');
    expect(lines).toContain('TI  - Nicaragua 2023 Human Rights Report');
    expect(lines).toContain('AU  - U.S. Department of State');
    expect(lines).toContain('PY  - 2024');
    expect(lines).toContain('DA  - 2024/04/22');
    expect(lines).toContain('SP  - 41');
    expect(lines).toContain('EP  - 42');
    expect(lines).toContain('Y2  - 2026/03/03');
    expect(lines.at(-2)).toBe('ER  - ');
    expect(text.endsWith('\r\n')).toBe(true);
    for (const line of lines.slice(0, -1)) expect(line).toMatch(/^[A-Z][A-Z0-9] {2}- /);
  });
});
