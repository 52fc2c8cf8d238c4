/**
 * URL patterns from sources.yaml: {edition} is a four-digit year, {country} a country slug, {part} one path
 * segment naming which of several documents this is, * any run of characters except "/". Matching is
 * case-insensitive (publishers capitalise PDF names freely) and ignores the fragment.
 */
export interface PatternMatch {
  edition?: number;
  countrySlug?: string;
  part?: string;
}

const GROUPS: Record<string, string> = {
  edition: '(?<edition>(?:19|20)\\d{2})',
  country: '(?<country>[a-z0-9]+(?:[-_][a-z0-9]+)*)',
  part: '(?<part>[^/?#]+)',
};

export interface CompiledPattern {
  source: string;
  regex: RegExp;
}

export function compilePattern(pattern: string): CompiledPattern {
  let regex = '';
  const seen = new Set<string>();
  for (const token of pattern.split(/(\{edition\}|\{country\}|\{part\}|\*)/)) {
    const name = /^\{(\w+)\}$/.exec(token)?.[1];
    // A placeholder used twice ("/{country}/report-{country}/") must match the same value both times.
    if (name && seen.has(name)) regex += `\\k<${name}>`;
    else if (name) regex += GROUPS[name];
    else if (token === '*') regex += '[^/]*';
    else regex += token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    if (name) seen.add(name);
  }
  return { source: pattern, regex: new RegExp(`^${regex}$`, 'i') };
}

export function matchPattern(pattern: CompiledPattern, url: string): PatternMatch | null {
  const match = pattern.regex.exec(url.replace(/#.*$/, ''));
  if (!match) return null;
  const result: PatternMatch = {};
  if (match.groups?.edition) result.edition = Number(match.groups.edition);
  if (match.groups?.country) result.countrySlug = match.groups.country.toLowerCase();
  if (match.groups?.part) result.part = decodePathSegment(match.groups.part).toLowerCase();
  return result;
}

/** A percent-encoded path segment as text ("USCIRF%202026" → "USCIRF 2026"); malformed escapes are kept. */
export function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Expands {edition} in a seed URL. */
export function expandSeed(url: string, editions: number[] | undefined): { url: string; edition?: number }[] {
  if (!url.includes('{edition}')) return [{ url }];
  return (editions ?? []).map((edition) => ({ url: url.replaceAll('{edition}', String(edition)), edition }));
}

/** Canonical form for de-duplication: no fragment, lower-case scheme and host, default port dropped. */
export function canonicalUrl(url: string): string {
  const u = new URL(url);
  u.hash = '';
  return u.href;
}
