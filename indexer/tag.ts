/**
 * Tagging by the taxonomy (core/taxonomy.yaml): every tag lists the terms that produced it, so a tag can
 * always be explained. Terms match whole words, case-insensitively; a trailing "*" matches any ending; a
 * match inside an excluded phrase ("presidential race") does not count.
 */
import type { TagAxis, TagMatch } from '../core/contract.ts';
import type { TagDefinition, Taxonomy } from '../core/taxonomy.ts';

interface CompiledTag {
  axis: TagAxis;
  id: string;
  pattern: RegExp;
  exclude: RegExp | null;
}

const WORD_CHAR = '[\\p{L}\\p{N}]';

function termSource(term: string): string {
  const wildcard = term.endsWith('*');
  const body = (wildcard ? term.slice(0, -1) : term)
    .trim()
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/['’]/g, "['’]")
    .replace(/-/g, '[-‐‑ ]?')
    .replace(/\s+/g, '\\s+');
  return wildcard ? `${body}[\\p{L}\\p{N}'’-]*` : body;
}

function alternation(terms: string[]): RegExp {
  const sorted = [...terms].sort((a, b) => b.length - a.length).map(termSource);
  return new RegExp(`(?<!${WORD_CHAR})(?:${sorted.join('|')})(?!${WORD_CHAR})`, 'giu');
}

export class Tagger {
  private readonly tags: CompiledTag[];

  constructor(taxonomy: Taxonomy) {
    const compile = (axis: TagAxis, def: TagDefinition): CompiledTag => ({
      axis,
      id: def.id,
      pattern: alternation(def.terms),
      exclude: def.exclude.length ? alternation(def.exclude) : null,
    });
    this.tags = [
      ...taxonomy.grounds.map((d) => compile('ground', d)),
      ...taxonomy.topics.map((d) => compile('topic', d)),
      ...taxonomy.elements.map((d) => compile('element', d)),
    ];
  }

  tag(text: string): TagMatch[] {
    const result: TagMatch[] = [];
    for (const tag of this.tags) {
      const excluded: [number, number][] = [];
      if (tag.exclude)
        for (const m of text.matchAll(tag.exclude)) excluded.push([m.index, m.index + m[0].length]);
      const terms = new Set<string>();
      for (const m of text.matchAll(tag.pattern)) {
        const start = m.index;
        const end = start + m[0].length;
        if (excluded.some(([a, b]) => start >= a && end <= b)) continue;
        terms.add(m[0].toLowerCase().replace(/\s+/g, ' '));
      }
      if (terms.size > 0) result.push({ axis: tag.axis, tag: tag.id, terms: [...terms] });
    }
    return result;
  }
}
