/**
 * Blocks → paragraphs with their full section path and ordinal. One place decides what a section is:
 * a heading at level L replaces everything at L and below; a run-in label ("Rape and Domestic Violence:")
 * opens a sub-section one level below the current heading that lasts until the next label or heading.
 */
import { type Block, type PageBreak, runInLabel } from './extract/blocks.ts';

export interface OutlinedParagraph {
  text: string;
  sectionPath: string[];
  /** 1-based ordinal within its section. */
  paragraph: number;
  page: number | null;
  pageEnd: number | null;
  pageBreaks?: PageBreak[];
  anchor: string | null;
}

export function outline(blocks: Block[]): OutlinedParagraph[] {
  const path: string[] = [];
  let label: string | null = null;
  let ordinal = 0;
  const result: OutlinedParagraph[] = [];
  for (const block of blocks) {
    if (block.kind === 'heading') {
      if (block.level === 0) continue;
      path.length = Math.min(path.length, block.level - 1);
      path.push(block.text);
      label = null;
      ordinal = 0;
      continue;
    }
    const found = runInLabel(block.text);
    if (found) {
      label = found;
      ordinal = 0;
    }
    ordinal++;
    result.push({
      text: block.text,
      sectionPath: label ? [...path, label] : [...path],
      paragraph: ordinal,
      page: block.page,
      pageEnd: block.pageEnd,
      ...(block.pageBreaks ? { pageBreaks: block.pageBreaks } : {}),
      anchor: block.anchor,
    });
  }
  return result;
}
