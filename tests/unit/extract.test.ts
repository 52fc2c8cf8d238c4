import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInLabel } from '../../indexer/extract/blocks.ts';
import { extractHtml } from '../../indexer/extract/html.ts';
import { ExtractionError, extractPdf } from '../../indexer/extract/pdf.ts';
import { extractText } from '../../indexer/extract/text.ts';
import { outline } from '../../indexer/outline.ts';
import { splitLongParagraph } from '../../indexer/passages.ts';
import { splitSentences } from '../../indexer/sentences.ts';
import { FIXTURES } from '../helpers/corpus.ts';
import { reportPdf } from '../helpers/pdf-fixture.ts';

const fixtureText = readFileSync(path.join(FIXTURES, 'reports/us-dos-hrr/2023/honduras.txt'), 'utf8');

describe('plain-text extraction', () => {
  const extracted = extractText(fixtureText);
  const paragraphs = outline(extracted.blocks);

  it('finds the title and joins wrapped headings', () => {
    expect(extracted.title).toBe('Honduras 2023 Human Rights Report');
    const headings = extracted.blocks.filter((b) => b.kind === 'heading').map((b) => b.text);
    expect(headings).toContain(
      'a. Arbitrary Deprivation of Life and Other Unlawful or Politically Motivated Killings',
    );
    expect(headings).toContain(
      'Acts of Violence, Criminalization, and Other Abuses Based on Sexual Orientation, Gender Identity or Expression, or Sex Characteristics',
    );
    // A short section heading followed by a subsection is two headings, not one wrapped heading.
    expect(headings).toContain('Section 6. Discrimination and Societal Abuses');
    expect(headings).toContain('Women');
  });

  it('rebuilds paragraphs from hard-wrapped lines', () => {
    const first = paragraphs.find((p) => p.text.startsWith('This synthetic fixture'));
    expect(first?.text).toBe(
      'This synthetic fixture describes conditions in a test edition. Significant issues included reports of femicide, threats against journalists, and discrimination against Garifuna communities.',
    );
    expect(paragraphs.find((p) => p.text.startsWith('The government took some steps'))).toBeDefined();
  });

  it('gives each paragraph its full section path, with run-in labels as the last level', () => {
    const femicide = paragraphs.find((p) => p.text.includes('femicide remained widespread'));
    expect(femicide?.sectionPath).toEqual([
      'Section 6. Discrimination and Societal Abuses',
      'Women',
      'Rape and Domestic Violence',
    ]);
    expect(femicide?.paragraph).toBe(1);
    const shelters = paragraphs.find((p) => p.text.startsWith('Shelters'));
    expect(shelters?.sectionPath).toEqual([
      'Section 6. Discrimination and Societal Abuses',
      'Women',
      'Rape and Domestic Violence',
    ]);
    expect(shelters?.paragraph).toBe(2);
    const prison = paragraphs.find((p) => p.text.startsWith('Prison conditions'));
    expect(prison?.sectionPath).toEqual([
      'Section 1. Respect for the Integrity of the Person',
      'c. Torture and Other Cruel, Inhuman, or Degrading Treatment or Punishment, and Other Related Abuses',
      'Prison and Detention Center Conditions',
    ]);
  });

  it('recognises run-in labels only when they read like headings', () => {
    expect(runInLabel('Rape and Domestic Violence:  The law criminalized rape.')).toBe(
      'Rape and Domestic Violence',
    );
    expect(runInLabel('The report said:  Many were detained.')).toBeNull();
  });
});

describe('passage size', () => {
  it('splits sentences without breaking at abbreviations', () => {
    expect(splitSentences('The U.S. Embassy said so. Dr. Lee agreed. On Jan. 5 it ended.')).toEqual([
      'The U.S. Embassy said so.',
      'Dr. Lee agreed.',
      'On Jan. 5 it ended.',
    ]);
  });

  it('cuts a long paragraph at sentence ends into parts no longer than the limit', () => {
    const sentence = 'Officials reported that the detainees were held without charge for many weeks. ';
    const long = sentence.repeat(40).trim();
    const parts = splitLongParagraph(long, 100);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(part.split(/\s+/).length).toBeLessThanOrEqual(100);
      expect(part.endsWith('.')).toBe(true);
    }
    expect(parts.join(' ')).toBe(long);
  });
});

describe('PDF extraction', () => {
  it('keeps page numbers, drops running headers and footers, and reads headings from type size', async () => {
    const filler = 'Security forces detained protesters and held them for several days without charge.';
    const pdf = await reportPdf('Testland 2023 Human Rights Report', [
      { heading: 'Executive Summary', size: 18 },
      { paragraph: ['There were significant changes in the human rights', 'situation during the year.'] },
      { heading: 'Section 6. Discrimination and Societal Abuses', size: 18 },
      { heading: 'Women', size: 15 },
      ...Array.from({ length: 30 }, () => ({
        paragraph: [filler, 'Observers said the practice continued.'],
      })),
      {
        paragraph: [
          'Rape and Domestic Violence: The law criminalized rape, and',
          'femicide remained a serious problem.',
        ],
      },
    ]);
    const extracted = await extractPdf(pdf);
    expect(extracted.title).toBe('Testland 2023 Human Rights Report');
    expect(extracted.pages).toBeGreaterThan(1);
    const texts = extracted.blocks.map((b) => b.text).join('\n');
    expect(texts).not.toMatch(/Page \d+ of \d+/);
    expect(texts).not.toContain('Country Reports on Human Rights Practices for 2023');
    const paragraphs = outline(extracted.blocks);
    expect(paragraphs[0]?.text).toBe(
      'There were significant changes in the human rights situation during the year.',
    );
    expect(paragraphs[0]?.sectionPath).toEqual(['Executive Summary']);
    const last = paragraphs.at(-1);
    expect(last?.sectionPath).toEqual([
      'Section 6. Discrimination and Societal Abuses',
      'Women',
      'Rape and Domestic Violence',
    ]);
    expect(last?.page).toBe(extracted.pages);
    expect(
      paragraphs.filter((p) => p.text === `${filler} Observers said the practice continued.`),
    ).toHaveLength(30);
  });

  it('reports a corrupt PDF as an extraction error', async () => {
    await expect(extractPdf(new TextEncoder().encode('%PDF-1.7\nthis is not a pdf'))).rejects.toBeInstanceOf(
      ExtractionError,
    );
  });
});

describe('HTML extraction', () => {
  const extracted =
    extractHtml(`<!doctype html><html><head><title>Page title</title><script>var x = 1;</script></head>
      <body><nav><a href="/">Home</a> Menu</nav><header>Banner text</header>
      <main><h1>2023 Country Reports on Human Rights Practices: Testland</h1>
      <h2 id="section-6">Section 6. Discrimination and Societal Abuses</h2>
      <h3 id="women">Women</h3>
      <p><strong>Rape and Domestic Violence:</strong> The law criminalized rape &amp; <a href="#n1">femicide</a> remained widespread in rural areas of the country.</p>
      <p>Shelters reported the following needs:</p>
      <ul><li>Beds for survivors.</li><li>Legal aid.</li></ul>
      <table><caption>Femicides by year</caption><tr><th>Year</th><th>Cases</th></tr><tr><td>2022</td><td>380</td></tr><tr><td>2023</td><td>400</td></tr></table>
      <div>First loose paragraph with <em>emphasis</em> inside a container.<br><br>Second loose paragraph after a blank line.</div>
      <h3 id="children">Children</h3>
      <p id="p-birth">Birth registration was incomplete.</p>
      </main><footer>Footer text</footer></body></html>`);
  const paragraphs = outline(extracted.blocks);

  it('reads the main content only, with the first h1 as the title', () => {
    expect(extracted.title).toBe('2023 Country Reports on Human Rights Practices: Testland');
    const all = extracted.blocks.map((b) => b.text).join(' ');
    for (const dropped of ['Banner text', 'var x', 'Footer text', 'Menu']) expect(all).not.toContain(dropped);
  });

  it('keeps inline markup as words and splits container text at <br><br>', () => {
    expect(paragraphs.map((p) => p.text)).toEqual([
      'Rape and Domestic Violence: The law criminalized rape & femicide remained widespread in rural areas of the country.',
      'Shelters reported the following needs: Beds for survivors. Legal aid.',
      'Femicides by year',
      'Year: 2022 | Cases: 380; Year: 2023 | Cases: 400',
      'First loose paragraph with emphasis inside a container.',
      'Second loose paragraph after a blank line.',
      'Birth registration was incomplete.',
    ]);
  });

  it('gives headings, run-in labels and anchors to the paragraphs beneath them', () => {
    expect(paragraphs[0]?.sectionPath).toEqual([
      'Section 6. Discrimination and Societal Abuses',
      'Women',
      'Rape and Domestic Violence',
    ]);
    expect(paragraphs[0]?.anchor).toBe('women');
    expect(paragraphs.at(-1)?.sectionPath).toEqual([
      'Section 6. Discrimination and Societal Abuses',
      'Children',
    ]);
    expect(paragraphs.at(-1)?.anchor).toBe('p-birth');
  });
});
