/**
 * HTML pages through cheerio: the main content only (navigation, banners, scripts and footers dropped),
 * walked in document order as a flow of blocks. h1–h6 give the outline; paragraphs, list items, table
 * rows and block quotes give the text, with inline markup (links, emphasis) kept as words; text loose in a
 * container is a paragraph of its own, and `<br><br>` separates paragraphs as a blank line does. A list of
 * short items reads as one paragraph. A short lead-in ending with a colon ("Religions:", "Significant issues included:") is joined to what follows, so
 * a label and its value, or a sentence and its list, are cited together. Heading ids give anchors.
 */
import { type Cheerio, load } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import { type Block, cleanText, type Extracted } from './blocks.ts';

const MAIN_CANDIDATES = [
  'main',
  '[role="main"]',
  'article',
  '.entry-content',
  '.report__content',
  '#content',
  'body',
];
const DROP =
  'script, style, noscript, template, nav, header, footer, aside, form, iframe, svg, button, [hidden], [aria-hidden="true"], .visually-hidden, .sr-only';
const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
/** Elements that flow inside a line of text. */
const INLINE = new Set(
  'a abbr b bdi bdo cite code data dfn em font i kbd mark q s samp small span strong sub sup time u var wbr label ins del'.split(
    ' ',
  ),
);
/** A lead-in this short that ends with a colon belongs with the block after it. */
const LEAD_IN_MAX_WORDS = 25;
/** Table rows and short list items are grouped into blocks of about this many words. */
const TABLE_BLOCK_WORDS = 200;
/** A list whose items are all this short is read as one paragraph. */
const LIST_ITEM_MAX_WORDS = 40;

const words = (s: string) => s.split(/\s+/).filter(Boolean).length;

export function extractHtml(html: string): Extracted {
  const $ = load(html);
  const pageTitle = cleanText($('title').first().text()) || null;
  let root: Cheerio<AnyNode> | undefined;
  for (const selector of MAIN_CANDIDATES) {
    const found = $(selector).first();
    if (found.length && cleanText(found.text()).length > 200) {
      root = found;
      break;
    }
  }
  root ??= $.root();
  root.find(DROP).remove();

  const hasH1 = root.find('h1').length > 0;
  const minHeading = [1, 2, 3, 4, 5, 6].find((n) => root.find(`h${n}`).length > 0) ?? 1;
  const blocks: Block[] = [];
  let anchor: string | null = null;

  const pushParagraph = (text: string, id: string | null) => {
    const clean = cleanText(text.replace(/[ \t\r\n]+/g, ' '));
    if (!clean) return;
    const last = blocks.at(-1);
    if (last?.kind === 'paragraph' && /:$/.test(last.text) && words(last.text) <= LEAD_IN_MAX_WORDS) {
      last.text = `${last.text} ${clean}`;
      return;
    }
    blocks.push({ kind: 'paragraph', text: clean, page: null, pageEnd: null, anchor: id ?? anchor });
  };

  const pushHeading = (element: Element, tag: string) => {
    const text = cleanText(inlineText(element).replace(/\s+/g, ' '));
    if (!text) return;
    const n = Number(tag.slice(1));
    const level = hasH1 ? n - 1 : n - minHeading + 1;
    anchor = $(element).attr('id') ?? $(element).find('[id]').first().attr('id') ?? anchor;
    blocks.push({ kind: 'heading', text, level, page: null, anchor });
  };

  /** Text of an element's inline content, with `<br>` as a space. */
  const inlineText = (element: AnyNode): string => {
    if (element.type === 'text') return (element as unknown as { data: string }).data;
    if (element.type !== 'tag') return '';
    const el = element as Element;
    if (el.tagName.toLowerCase() === 'br') return ' ';
    return $(el)
      .contents()
      .toArray()
      .map((c) => inlineText(c))
      .join('');
  };

  const pushTable = (table: Element) => {
    const rows = $(table).find('tr').toArray();
    const cellsOf = (row: Element) =>
      $(row)
        .children('td, th')
        .toArray()
        .map((cell) => cleanText(inlineText(cell).replace(/\s+/g, ' ')));
    const first = rows[0];
    const header =
      first && $(first).children('td').length === 0 && $(first).children('th').length > 1
        ? cellsOf(first)
        : null;
    let chunk: string[] = [];
    let chunkWords = 0;
    const flush = () => {
      if (chunk.length) pushParagraph(chunk.join('; '), null);
      chunk = [];
      chunkWords = 0;
    };
    const caption = cleanText($(table).children('caption').text());
    if (caption) pushParagraph(caption, null);
    for (const row of header ? rows.slice(1) : rows) {
      const cells = cellsOf(row);
      if (!cells.some(Boolean)) continue;
      // With a header row, each value carries its column name: "Year: 2023 | Cases: 400".
      const line = header
        ? cells
            .map((c, i) => (c && header[i] ? `${header[i]}: ${c}` : c))
            .filter(Boolean)
            .join(' | ')
        : cells.filter(Boolean).join(' | ');
      // A label row ("Religions:") is the lead-in of the next one.
      if (/:$/.test(line) && words(line) <= LEAD_IN_MAX_WORDS) {
        flush();
        pushParagraph(line, null);
        continue;
      }
      if (chunkWords + words(line) > TABLE_BLOCK_WORDS) flush();
      chunk.push(line);
      chunkWords += words(line);
      if (!header) flush();
    }
    flush();
  };

  /**
   * A list of short items is one passage ("Shelters needed: beds; legal aid"), joined to its lead-in; a list
   * of long items is walked item by item. Returns false when the list is walked instead.
   */
  const pushShortList = (list: Element): boolean => {
    const items = $(list).children('li').toArray();
    if (items.some((li) => $(li).find('p, div, ul, ol, table, h1, h2, h3, h4, h5, h6').length > 0))
      return false;
    const texts = items.map((li) => cleanText(inlineText(li).replace(/\s+/g, ' '))).filter(Boolean);
    if (texts.length === 0 || texts.some((t) => words(t) > LIST_ITEM_MAX_WORDS)) return false;
    let chunk: string[] = [];
    for (const text of texts) {
      if (chunk.length && words([...chunk, text].join(' ')) > TABLE_BLOCK_WORDS) {
        pushParagraph(chunk.join(' '), null);
        chunk = [];
      }
      chunk.push(text);
    }
    if (chunk.length) pushParagraph(chunk.join(' '), null);
    return true;
  };

  /** Walks a container: inline runs become paragraphs, block children are handled in order. */
  const walk = (container: AnyNode) => {
    let run = '';
    let pendingBreak = false;
    const flushRun = () => {
      pushParagraph(run, null);
      run = '';
    };
    for (const node of $(container).contents().toArray()) {
      if (node.type === 'text') {
        const data = (node as unknown as { data: string }).data;
        if (data.trim()) pendingBreak = false;
        run += data;
        continue;
      }
      if (node.type !== 'tag') continue;
      const element = node as Element;
      const tag = element.tagName.toLowerCase();
      if (tag === 'br') {
        // Two <br> in a row separate paragraphs.
        if (pendingBreak) flushRun();
        else run += ' ';
        pendingBreak = !pendingBreak;
        continue;
      }
      pendingBreak = false;
      if (INLINE.has(tag) && $(element).find('p, div, li, table, h1, h2, h3, h4, h5, h6').length === 0) {
        run += inlineText(element);
        continue;
      }
      flushRun();
      if (HEADINGS.has(tag)) pushHeading(element, tag);
      else if (tag === 'table') pushTable(element);
      else if ((tag === 'ul' || tag === 'ol') && pushShortList(element)) continue;
      else walk(element);
    }
    const id = $(container).attr('id') ?? null;
    if (run.trim()) pushParagraph(run, $(container).is('p, li, blockquote, dd, dt') ? id : null);
  };
  for (const container of root.toArray()) walk(container);

  const firstHeading = blocks.find((b) => b.kind === 'heading');
  const title = firstHeading?.kind === 'heading' && firstHeading.level === 0 ? firstHeading.text : pageTitle;
  return { blocks, title, pages: null };
}
