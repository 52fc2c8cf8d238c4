/**
 * The ten real sources in sources.yaml against URLs seen on the publishers' sites (found in public code and
 * stored pages; see the comments in sources.yaml): each is followed as the right kind of page, with the
 * right edition and country. Also the link metadata rules, the crawl state on its own, and the checks that
 * reject a bad crawl section.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Archive } from '../../core/archive.ts';
import { loadSources, SourcesFile } from '../../core/sources.ts';
import { discoverLinks, editionInText, type Parent, SourceRules } from '../../crawler/discover.ts';
import { CrawlState } from '../../crawler/state.ts';
import { testSourceEntry } from '../helpers/crawl-sources.ts';

const sources = loadSources();
const rules = new Map(sources.map((s) => [s.id, new SourceRules(s)]));
const NO_PARENT: Parent = { edition: null, country: null, title: null, part: null };

const SEEN: [string, string, string, { role: string; edition: number | null; country: string | null }][] = [
  [
    'us-dos-hrr',
    'https://www.state.gov/reports/2023-country-reports-on-human-rights-practices/el-salvador/',
    'El Salvador',
    { role: 'document', edition: 2023, country: 'SV' },
  ],
  [
    'us-dos-hrr',
    'https://www.state.gov/reports/2020-country-reports-on-human-rights-practices/china/hong-kong/',
    'Hong Kong',
    { role: 'document', edition: 2020, country: 'HK' },
  ],
  [
    'us-dos-hrr',
    'https://www.state.gov/reports/2024-country-reports-on-human-rights-practices/',
    '2024 Country Reports on Human Rights Practices',
    { role: 'listing', edition: 2024, country: null },
  ],
  [
    'us-dos-hrr',
    'https://2017-2021.state.gov/reports/2019-country-reports-on-human-rights-practices/uganda/index.html',
    'Uganda',
    { role: 'document', edition: 2019, country: 'UG' },
  ],
  [
    'us-dos-hrr',
    'https://2009-2017.state.gov/j/drl/rls/hrrpt/2010/sca/154480.htm',
    'India',
    { role: 'document', edition: 2010, country: 'IN' },
  ],
  [
    'us-dos-hrr',
    'https://2009-2017.state.gov/j/drl/rls/hrrpt/2005/61707.htm',
    'India',
    { role: 'document', edition: 2005, country: 'IN' },
  ],
  [
    'us-dos-hrr',
    'https://2009-2017.state.gov/j/drl/rls/hrrpt/2012/sca/index.htm',
    'South and Central Asia',
    { role: 'listing', edition: 2012, country: null },
  ],
  [
    'us-dos-irf',
    'https://www.state.gov/reports/2023-report-on-international-religious-freedom/antigua-and-barbuda/',
    'Antigua and Barbuda',
    { role: 'document', edition: 2023, country: 'AG' },
  ],
  [
    'us-dos-tip',
    'https://www.state.gov/reports/2025-trafficking-in-persons-report/laos/',
    'Laos',
    { role: 'document', edition: 2025, country: 'LA' },
  ],
  [
    'uscirf-ar',
    'https://www.uscirf.gov/sites/default/files/2026-03/USCIRF%202026%20Annual%20Report%20Pakistan.pdf',
    'Pakistan chapter',
    { role: 'document', edition: 2026, country: 'PK' },
  ],
  [
    'uscirf-ar',
    'https://www.uscirf.gov/countries/afghanistan',
    'Afghanistan',
    { role: 'listing', edition: null, country: 'AF' },
  ],
  [
    'uk-cpin',
    'https://www.gov.uk/government/publications/sudan-country-policy-and-information-notes',
    'Sudan: country policy and information notes',
    { role: 'listing', edition: null, country: 'SD' },
  ],
  [
    'uk-cpin',
    'https://www.gov.uk/government/publications/iran-country-policy-and-information-notes/country-policy-and-information-note-social-media-surveillance-and-sur-place-activities-iran-april-2025-accessible',
    'Country policy and information note: social media, surveillance and sur place activities, Iran, April 2025',
    { role: 'document', edition: null, country: 'IR' },
  ],
  [
    'unhcr-guidelines',
    'https://www.refworld.org/policy/countrypos/unhcr/2007/en/52516',
    "UNHCR's Eligibility Guidelines for Assessing the International Protection Needs of Afghan Asylum-Seekers",
    { role: 'document', edition: 2007, country: 'AF' },
  ],
  [
    'euaa-coi',
    'https://www.euaa.europa.eu/sites/default/files/publications/2025-06/2025_05_EUAA_COI_Report_Somalia_Security_Situation.pdf',
    'Somalia: Security situation',
    { role: 'document', edition: 2025, country: 'SO' },
  ],
  [
    'hrw-wr',
    'https://www.hrw.org/world-report/2024/country-chapters/israel-and-palestine',
    'Israel and Palestine',
    { role: 'document', edition: 2024, country: 'IL' },
  ],
  [
    'amnesty-ar',
    'https://www.amnesty.org/en/location/americas/south-america/venezuela/report-venezuela/',
    'Read more',
    { role: 'document', edition: null, country: 'VE' },
  ],
  [
    'amnesty-ar',
    'https://www.amnesty.org/en/location/africa/east-africa-the-horn-and-great-lakes/kenya/',
    'Kenya',
    { role: 'listing', edition: null, country: 'KE' },
  ],
  [
    'fh-fiw',
    'https://freedomhouse.org/country/democratic-republic-congo/freedom-world/2024',
    'Democratic Republic of the Congo',
    { role: 'document', edition: 2024, country: 'CD' },
  ],
];

describe('the ten sources in sources.yaml', () => {
  it('has the agreed ids, each with crawl rules, a licence and a display rule', () => {
    expect(sources.map((s) => s.id)).toEqual([
      'us-dos-hrr',
      'us-dos-irf',
      'us-dos-tip',
      'uscirf-ar',
      'uk-cpin',
      'unhcr-guidelines',
      'euaa-coi',
      'hrw-wr',
      'amnesty-ar',
      'fh-fiw',
    ]);
    for (const s of sources) {
      expect(s.crawl?.delaySeconds, s.id).toBeGreaterThanOrEqual(1);
      expect(
        s.crawl?.follow.some((f) => f.role === 'document'),
        s.id,
      ).toBe(true);
    }
    const display = Object.fromEntries(sources.map((s) => [s.id, s.license.display]));
    expect(display['uk-cpin']).toBe('full-text');
    expect(display['us-dos-hrr']).toBe('full-text');
    expect(display['hrw-wr']).toBe('snippet');
    expect(display['fh-fiw']).toBe('snippet');
    const amnesty = sources.find((s) => s.id === 'amnesty-ar');
    expect(amnesty?.license.commercialUse).toBe(false);
    expect(amnesty?.license.notice).toMatch(/non-commercial/i);
  });

  it.each(SEEN)('%s follows %s as seen on the site', (id, url, text, expected) => {
    const entry = rules.get(id)?.classify({ url, text }, NO_PARENT);
    expect(entry).toMatchObject(expected);
  });

  it('follows the 2015–2016 State Department form (its shape seen for 2014 and 2018), and not 2014 twice', () => {
    const hrr = rules.get('us-dos-hrr');
    const base = 'https://2009-2017.state.gov/j/drl/rls/hrrpt/humanrightsreport/index.htm';
    // The year in the query is matched literally, so the edition comes from the listing that links it.
    expect(
      hrr?.classify(
        { url: `${base}?year=2016&dlid=265266`, text: 'Guatemala' },
        { ...NO_PARENT, edition: 2016 },
      ),
    ).toMatchObject({
      role: 'document',
      edition: 2016,
      country: 'GT',
    });
    expect(hrr?.classify({ url: `${base}?year=2015`, text: '2015 Report' }, NO_PARENT)).toMatchObject({
      role: 'listing',
      edition: 2015,
    });
    // 2014 is crawled as /2014/{region}/{id}.htm; the same report in the query form is not archived again.
    expect(hrr?.classify({ url: `${base}?year=2014&dlid=236570`, text: 'Russia' }, NO_PARENT)).toBeNull();
  });

  it('leaves a whole-report PDF without a country alone, and gives a PDF its country page', () => {
    const uscirf = rules.get('uscirf-ar');
    expect(
      uscirf?.classify(
        {
          url: 'https://www.uscirf.gov/sites/default/files/2024-05/USCIRF%202024%20Annual%20Report.pdf',
          text: 'Full report',
        },
        NO_PARENT,
      ),
    ).toBeNull();
    const pdf = rules.get('us-dos-hrr')?.classify(
      {
        url: 'https://www.state.gov/wp-content/uploads/2024/02/528267_UGANDA-2023-HUMAN-RIGHTS-REPORT.pdf',
        text: 'Download Report',
      },
      { edition: 2023, country: 'UG', title: 'Uganda', part: null },
    );
    expect(pdf).toMatchObject({
      role: 'document',
      format: 'pdf',
      edition: 2023,
      country: 'UG',
      title: 'Uganda',
    });
  });

  it('reads editions that only the page states', () => {
    const cpin = sources.find((s) => s.id === 'uk-cpin')?.crawl?.follow[0]?.editionInText ?? '';
    expect(editionInText('Home Office Published 10 July 2026 Contents', cpin)).toBe(2026);
    const amnesty = sources.find((s) => s.id === 'amnesty-ar')?.crawl?.follow[0]?.editionInText ?? '';
    expect(
      editionInText("Amnesty International Report 2024/25: The State of the World's Human Rights", amnesty),
    ).toBe(2024);
    expect(editionInText('no year here', amnesty)).toBeNull();
  });
});

describe('link discovery', () => {
  it('keeps http(s) links with their text, resolved and without fragments', () => {
    const links = discoverLinks(
      '<a href="/a#x"> Guatemala\n report </a><a href="mailto:x@y">mail</a><a href="https://o.org/b">B</a><a href="http://[bad">x</a>',
      'https://site.org/list/',
    );
    expect(links).toEqual([
      { url: 'https://site.org/a', text: 'Guatemala report' },
      { url: 'https://o.org/b', text: 'B' },
    ]);
  });

  it('takes the country from the URL, then the link text, then the parent page, then the file name', () => {
    const r = rules.get('euaa-coi');
    const url = 'https://www.euaa.europa.eu/sites/default/files/publications/2024-01/Report.pdf';
    const withCoi = url.replace('Report', 'COI_Report');
    expect(
      r?.classify({ url: withCoi, text: 'Afghanistan: targeting of individuals' }, NO_PARENT)?.country,
    ).toBe('AF');
    expect(r?.classify({ url: withCoi, text: 'Download' }, { ...NO_PARENT, country: 'SY' })?.country).toBe(
      'SY',
    );
    expect(
      r?.classify({ url: withCoi.replace('COI_Report', 'COI_Report_Syria'), text: 'PDF' }, NO_PARENT)
        ?.country,
    ).toBe('SY');
    expect(r?.classify({ url, text: 'Afghanistan' }, NO_PARENT)).toBeNull();
  });

  it('applies the edition and country filters, but follows listings whatever their country', () => {
    const hrr = rules.get('us-dos-hrr');
    const page = 'https://www.state.gov/reports/2023-country-reports-on-human-rights-practices/guatemala/';
    expect(hrr?.classify({ url: page, text: 'Guatemala' }, NO_PARENT, { edition: 2022 })).toBeNull();
    expect(hrr?.classify({ url: page, text: 'Guatemala' }, NO_PARENT, { country: 'HN' })).toBeNull();
    expect(
      hrr?.classify({ url: page, text: 'Guatemala' }, NO_PARENT, { country: 'GT', edition: 2023 }),
    ).not.toBeNull();
    const cpin = rules.get('uk-cpin');
    expect(
      cpin?.classify(
        {
          url: 'https://www.gov.uk/government/publications/sudan-country-policy-and-information-notes',
          text: 'Sudan',
        },
        NO_PARENT,
        { country: 'HN', edition: 2024 },
      )?.role,
    ).toBe('listing');
  });
});

describe('crawl state', () => {
  const entry = (url: string, host = 'h') => ({
    url,
    source: 's',
    host,
    role: 'document' as const,
    format: 'html' as const,
    edition: 2024,
    country: 'HN',
    title: null,
    part: null,
    rule: 0,
  });

  it('queues each URL once per run, in order, and counts outcomes by reason', () => {
    const state = new CrawlState(':memory:');
    state.openRun('scope');
    expect(state.enqueue([entry('u1'), entry('u2'), entry('u1')]).map((e) => e.url)).toEqual(['u1', 'u2']);
    expect(state.next('h')?.url).toBe('u1');
    const added = state.finish('u1', {
      outcome: 'failed',
      fetched: true,
      reason: 'content-type',
      message: 'x',
      discovered: [entry('u2'), entry('u3', 'other')],
    });
    expect(added.map((e) => e.url)).toEqual(['u3']);
    expect(state.next('h')?.url).toBe('u2');
    expect(state.queuedHosts().sort()).toEqual(['h', 'other']);
    state.finish('u2', { outcome: 'not-modified', fetched: true });
    expect(state.counts()).toEqual([
      expect.objectContaining({
        source: 's',
        pages: 3,
        done: 2,
        fetched: 2,
        notModified: 1,
        failed: { 'content-type': 1 },
      }),
    ]);
  });

  it('resumes an unfinished run with the same scope and drops one with another scope', () => {
    const state = new CrawlState(':memory:');
    const first = state.openRun('a');
    state.enqueue([entry('u1'), entry('u2')]);
    state.finish('u1', { outcome: 'unchanged', fetched: true });
    const again = state.openRun('a');
    expect(again).toMatchObject({ id: first.id, resumed: true, alreadyDone: 1 });
    expect(state.next('h')?.url).toBe('u2');
    const other = state.openRun('b');
    expect(other.resumed).toBe(false);
    expect(state.next('h')).toBeUndefined();
    expect(state.openRun('a').resumed).toBe(false);
  });

  it('learns validators from captures the archive gained behind its back, reading only new catalog lines', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'countrycite-state-'));
    const archive = new Archive(dir);
    const meta = {
      fetchedAt: new Date().toISOString(),
      status: 200,
      contentType: 'text/html',
      lastModified: null,
      source: 's',
      edition: 2024,
      country: 'HN',
      role: 'document' as const,
      format: 'html' as const,
      origin: 'crawl' as const,
      importedFrom: null,
    };
    await archive.put(Buffer.from('one'), { ...meta, url: 'https://x.org/a', etag: '"1"' });
    const state = new CrawlState(CrawlState.fileFor(dir));
    expect(await state.syncFromArchive(archive)).toBe(1);
    expect(state.validators('https://x.org/a')?.etag).toBe('"1"');
    await archive.put(Buffer.from('two'), { ...meta, url: 'https://x.org/a', etag: '"2"' });
    expect(await state.syncFromArchive(archive)).toBe(1);
    expect(state.validators('https://x.org/a')?.etag).toBe('"2"');
    expect(await state.syncFromArchive(archive)).toBe(0);
    state.close();
  });
});

describe('crawl section checks', () => {
  const crawlWith = (crawl: object) =>
    SourcesFile.safeParse({ sources: [{ ...testSourceEntry({ hosts: [], seeds: [], follow: [] }), crawl }] });

  it('refuses an unknown placeholder, a host not listed, and an edition expression without a group', () => {
    const ok = {
      hosts: ['x.org'],
      seeds: [{ url: 'https://x.org/' }],
      follow: [{ match: 'https://x.org/{country}', role: 'document' }],
    };
    expect(crawlWith(ok).success).toBe(true);
    const messages = (crawl: object) => {
      const result = crawlWith(crawl);
      return result.success ? [] : result.error.issues.map((i) => i.message);
    };
    expect(messages({ ...ok, follow: [{ match: 'https://x.org/{year}', role: 'document' }] })).toContain(
      'unknown placeholder {year}; use {edition}, {country} or {part}',
    );
    expect(messages({ ...ok, seeds: [{ url: 'https://y.org/' }] })[0]).toMatch(
      /host y\.org is not in crawl\.hosts/,
    );
    expect(
      messages({
        ...ok,
        follow: [{ match: 'https://x.org/{country}', role: 'document', editionInText: '\\d{4}' }],
      }),
    ).toContain('needs exactly one (group) around the year');
  });
});
