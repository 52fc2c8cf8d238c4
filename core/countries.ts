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

const Extra = z.object({
  displayNames: z.record(z.string(), z.string()),
  aliases: z.record(z.string(), z.array(z.string())),
  demonyms: z.record(z.string(), z.array(z.string())),
  ambiguousDemonyms: z.array(z.string()),
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

function mentionRegex(): RegExp {
  if (mentionPattern) return mentionPattern;
  const terms: string[] = [];
  for (const country of byCode.values()) {
    const forms = new Set<string>();
    for (const n of country.names) {
      // Short all-caps alternates (e.g. "UK", "DRC") are kept; short mixed-case ones are too noisy.
      if (n.length < 4 && n !== n.toUpperCase()) continue;
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

/** Countries named in a text (by name, alias or demonym), in order of first appearance, one entry per country. */
export function findCountryMentions(text: string): CountryMention[] {
  const found = new Map<string, CountryMention>();
  for (const match of text.matchAll(mentionRegex())) {
    const term = match[0];
    const code = mentionCodes.get(term) ?? mentionCodes.get(term.replace(/’/g, "'"));
    if (code && !found.has(code)) found.set(code, { code, term });
  }
  return [...found.values()];
}
