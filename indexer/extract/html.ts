/**
 * HTML pages through cheerio: the main content only (navigation, banners, scripts and footers dropped),
 * walked in document order. h1–h6 give the outline, paragraphs, list items, table rows and block quotes
 * give the text, and heading ids give anchors for deep links.
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
const LEAF_BLOCKS = new Set(['p', 'li', 'blockquote', 'pre', 'dd', 'dt', 'figcaption', 'caption', 'address']);
const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);

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

  const push = (text: string, tag: string, element: Element) => {
    const clean = cleanText(text.replace(/\s+/g, ' '));
    if (!clean) return;
    if (HEADINGS.has(tag)) {
      const n = Number(tag.slice(1));
      const level = hasH1 ? n - 1 : n - minHeading + 1;
      anchor = $(element).attr('id') ?? $(element).find('[id]').first().attr('id') ?? anchor;
      blocks.push({ kind: 'heading', text: clean, level, page: null, anchor: anchor ?? null });
    } else {
      blocks.push({
        kind: 'paragraph',
        text: clean,
        page: null,
        pageEnd: null,
        anchor: $(element).attr('id') ?? anchor,
      });
    }
  };

  const walk = (nodes: Cheerio<AnyNode>) => {
    nodes.each((_, node) => {
      if (node.type !== 'tag') return;
      const element = node as Element;
      const tag = element.tagName.toLowerCase();
      if (HEADINGS.has(tag)) return push($(element).text(), tag, element);
      if (tag === 'tr') {
        const cells = $(element)
          .children('td, th')
          .map((__, cell) => cleanText($(cell).text()))
          .get()
          .filter(Boolean);
        return push(cells.join(' | '), 'tr', element);
      }
      if (LEAF_BLOCKS.has(tag) && $(element).find('p, li, h1, h2, h3, h4, h5, h6, table').length === 0) {
        return push($(element).text(), tag, element);
      }
      // A container (div, section, ul, table…): its loose text is a paragraph of its own.
      const children = $(element).contents();
      const looseText = children
        .filter((__, c) => c.type === 'text')
        .text()
        .trim();
      if (looseText.length > 40) push(looseText, 'p', element);
      walk(children);
    });
  };
  walk(root.children());

  const firstHeading = blocks.find((b) => b.kind === 'heading');
  const title = firstHeading?.kind === 'heading' && firstHeading.level === 0 ? firstHeading.text : pageTitle;
  return { blocks, title, pages: null };
}
