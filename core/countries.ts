/**
 * ISO 3166 countries from world-countries, plus the names U.S. reports and courts actually use
 * (core/data/countries-extra.json). One lookup serves file names ("el-salvador"), user input ("Burma",
 * "DRC", "ci") and passage text ("Nicaraguans").
 */
import { createRequire } from 'node:module';
import type { Countries } from 'world-countries';
import { z } from 'zod';
import extraJson from './data/countries-extra.json' with { type: 'json' };
import { slugify } from './ids.ts';

const MentionContext = z.strictObject({
  personalName: z.boolean().default(false),
  notBefore: z.array(z.string().min(1)).default([]),
  notAfter: z.array(z.string().min(1)).default([]),
});
const Extra = z.object({
  displayNames: z.record(z.string(), z.string()),
  aliases: z.record(z.string(), z.array(z.string())),
  demonyms: z.record(z.string(), z.array(z.string())),
  ambiguousDemonyms: z.array(z.string()),
  notMentions: z.object({ names: z.array(z.string()) }),
  mentionContext: z.object({
    personalNameExceptions: z.object({ after: z.array(z.string()), before: z.array(z.string()) }),
    names: z.record(z.string(), MentionContext),
  }),
});
const extra = Extra.parse(extraJson);
// world-countries is a CommonJS JSON package; require keeps its types without type-checking the whole JSON.
const worldCountries = createRequire(import.meta.url)('world-countries') as Countries;

export interface Country {
  /** ISO 3166-1 alpha-2 */
  code: string;
  /** ISO 3166-1 alpha-3 */
  code3: string;
  name: string;
  officialName: string;
  slug: string;
  /** Every name we recognise for lookups (lower-cased keys are built from these). */
  names: string[];
  demonyms: string[];
}

const byCode = new Map<string, Country>();
const byKey = new Map<string, string>();

function lookupKey(value: string): string {
  return slugify(value).replace(/-/g, '');
}

for (const entry of worldCountries) {
  const code = entry.cca2.toUpperCase();
  const name = extra.displayNames[code] ?? entry.name.common;
  const names = new Set<string>([
    name,
    entry.name.common,
    entry.name.official,
    ...entry.altSpellings.filter((alt) => alt.length > 3 && /^[\p{Script=Latin}\s.,'’()-]+$/u.test(alt)),
    ...(extra.aliases[code] ?? []),
  ]);
  const demonyms = new Set<string>();
  const male = entry.demonyms?.eng?.m;
  const female = entry.demonyms?.eng?.f;
  for (const d of [male, female, ...(extra.demonyms[code] ?? [])]) {
    if (d && !extra.ambiguousDemonyms.includes(d)) demonyms.add(d);
  }
  const country: Country = {
    code,
    code3: entry.cca3,
    name,
    officialName: entry.name.official,
    slug: slugify(name),
    names: [...names],
    demonyms: [...demonyms],
  };
  byCode.set(code, country);
}

// Names first, then codes: a code never shadows a name ("IN" stays India, not the word "in").
for (const country of byCode.values()) {
  for (const n of country.names) if (!byKey.has(lookupKey(n))) byKey.set(lookupKey(n), country.code);
}
for (const country of byCode.values()) {
  for (const code of [country.code, country.code3]) {
    const key = lookupKey(code);
    if (!byKey.has(key)) byKey.set(key, country.code);
  }
}

export function allCountries(): Country[] {
  return [...byCode.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export function countryByCode(code: string): Country | undefined {
  return byCode.get(code.toUpperCase());
}

/**
 * Resolves a code, name, alias or slug to an ISO alpha-2 code: "GT", "gtm", "Burma", "democratic-republic-of-the-congo",
 * "Côte d’Ivoire". Returns undefined when nothing matches.
 */
export function resolveCountry(value: string): string | undefined {
  const trimmed = value.trim();
  if (!trimmed) return undefined;
  return byKey.get(lookupKey(trimmed));
}

export interface CountryMention {
  code: string;
  /** The words as they appear in the text. */
  term: string;
}

let mentionPattern: RegExp | undefined;
const mentionCodes = new Map<string, string>();
const notMentions = new Set(extra.notMentions.names);

function mentionRegex(): RegExp {
  if (mentionPattern) return mentionPattern;
  const terms: string[] = [];
  for (const country of byCode.values()) {
    const forms = new Set<string>();
    for (const n of country.names) {
      // Short all-caps alternates (e.g. "UK", "DRC") are kept; short mixed-case ones are too noisy.
      if (n.length < 4 && n !== n.toUpperCase()) continue;
      if (notMentions.has(n)) continue;
      forms.add(n);
    }
    for (const d of country.demonyms) {
      forms.add(d);
      forms.add(d.endsWith('s') || d.endsWith('sh') || d.endsWith('ese') ? d : `${d}s`);
    }
    for (const form of forms) {
      if (!mentionCodes.has(form)) mentionCodes.set(form, country.code);
      terms.push(form);
    }
  }
  // Longest first so "Papua New Guinea" wins over "Guinea" and "Nigeria" over "Niger".
  terms.sort((a, b) => b.length - a.length);
  const escaped = terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/['’]/g, "['’]"));
  mentionPattern = new RegExp(
    `(?<![\\p{L}\\p{N}-])(?:${escaped.join('|')})(?![\\p{L}\\p{N}]|-(?=\\p{L}))`,
    'gu',
  );
  return mentionPattern;
}

const { personalNameExceptions } = extra.mentionContext;
const wordAfter = (text: string) => /^\s+([\p{L}.’'-]+)/u.exec(text)?.[1] ?? '';
const wordBefore = (text: string) => /([\p{L}.’'-]+)\s+$/u.exec(text)?.[1] ?? '';
const isCapitalised = (word: string) => /^\p{Lu}/u.test(word);

/**
 * Is this occurrence of a name the country? "Jordan Rodas" and "Michael Jordan" are people, "Atlanta,
 * Georgia" is a U.S. state, "New Mexico" is not Mexico, "Turkey meat" is a bird.
 */
function isCountryInContext(term: string, before: string, after: string): boolean {
  const rule = extra.mentionContext.names[term];
  if (!rule) return true;
  const lowerBefore = before.toLowerCase().trimEnd();
  const lowerAfter = after.toLowerCase();
  if (rule.notAfter.some((p) => lowerBefore.endsWith(p.toLowerCase()))) return false;
  if (
    rule.notBefore.some((p) =>
      new RegExp(`^\\s*${escapeRegExp(p.toLowerCase())}(?![\\p{L}])`, 'u').test(lowerAfter),
    )
  )
    return false;
  if (rule.personalName) {
    const next = wordAfter(after);
    if (isCapitalised(next) && !personalNameExceptions.after.includes(next)) return false;
    const previous = wordBefore(before);
    if (
      isCapitalised(previous) &&
      !/[.,;:]$/.test(previous) &&
      !personalNameExceptions.before.includes(previous)
    )
      return false;
  }
  return true;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Countries named in a text (by name, alias or demonym), in order of first appearance, one entry per country. */
export function findCountryMentions(text: string): CountryMention[] {
  const found = new Map<string, CountryMention>();
  for (const match of text.matchAll(mentionRegex())) {
    const term = match[0];
    const code = mentionCodes.get(term) ?? mentionCodes.get(term.replace(/’/g, "'"));
    if (!code || found.has(code)) continue;
    const before = text.slice(Math.max(0, match.index - 40), match.index);
    const after = text.slice(match.index + term.length, match.index + term.length + 40);
    if (isCountryInContext(term, before, after)) found.set(code, { code, term });
  }
  return [...found.values()];
}
