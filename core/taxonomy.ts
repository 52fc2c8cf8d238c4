/**
 * The taxonomy is data (core/taxonomy.yaml): protected grounds, topics and legal elements, each with the terms
 * that produce it. The indexer tags with it and the search settings generate synonyms from it.
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { GROUNDS } from './contract.ts';
import { parseYamlFile } from './yaml-file.ts';

const Term = z
  .string()
  .min(1)
  .refine((t) => !t.slice(0, -1).includes('*'), 'a "*" is only allowed at the end of a term');

/**
 * A list of terms that may include named vocabulary lists by YAML alias ([*harm, custody]), which may
 * themselves include other lists; it is flattened.
 */
const TermList = z.preprocess(
  (items) => (Array.isArray(items) ? items.flat(Infinity) : items),
  z.array(Term),
);

/** A regular expression written in the YAML, checked here so a typo is reported with its path. */
const Pattern = z.string().refine((source) => {
  try {
    new RegExp(source, 'iu');
    return true;
  } catch {
    return false;
  }
}, 'not a valid regular expression');

const ContextualTerms = z.strictObject({
  terms: TermList.pipe(z.array(Term).min(1)),
  /** At least one of these must occur in the same sentence for `terms` to count. */
  near: TermList.pipe(z.array(Term).min(1)),
  /** Headings under which these terms do not count ("children" under "Stateless Persons"). */
  notUnder: z.array(Term).default([]),
  /** `near` must stand within this many words of the term, not anywhere in the sentence. */
  within: z.number().int().positive().optional(),
  /** The terms do not count in a sentence with one of these ("collaborators" of gangs, not of rebels). */
  unless: TermList.default([]),
});

const TagDefinition = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'a lower-case slug such as "domestic-violence"'),
  label: z.string().min(1),
  description: z.string().optional(),
  terms: z.array(Term).min(1),
  contextual: z.array(ContextualTerms).default([]),
  exclude: z.array(z.string().min(1)).default([]),
  /** Headings that give the tag to the passages beneath them ("Women", "Indigenous Peoples"). */
  sections: z.array(Term).default([]),
  /**
   * Subheadings of `sections` whose passages the heading alone does not tag: "Reproductive Rights" under
   * "Women" reports health statistics as often as coercion, so there only the terms and `sectionsWith` count.
   */
  sectionsExcept: z.array(Term).default([]),
  /**
   * Headings that give the tag only to a passage that also has one of `near` outside its absence
   * statements (§ 5 on monitoring gives political opinion where rights groups are harassed, not where
   * they "operated without government restriction").
   */
  sectionsWith: z
    .array(
      z.strictObject({
        sections: z.array(Term).min(1),
        near: TermList.pipe(z.array(Term).min(1)),
        /** Subheadings of `sections` that do not give the tag. */
        notUnder: z.array(Term).default([]),
      }),
    )
    .default([]),
  /** Headings under which the tag is never given, neither by its terms nor by a heading. */
  notUnder: z.array(Term).default([]),
  /** False when an absence statement is itself the evidence ("police did not investigate"). */
  negatable: z.boolean().default(true),
  /** False when a term inside a proper name does not count ("Federation of Cuban Women"). */
  properNames: z.boolean().default(true),
  /** The tag only stands next to a tag of this axis (nexus needs a ground). */
  requires: z.enum(['ground', 'topic']).optional(),
  /** Groups of interchangeable spellings for search ("FGM", "female genital mutilation", "FGM/C"). */
  synonyms: z.array(z.array(z.string().min(1)).min(2)).default([]),
});
export type TagDefinition = z.infer<typeof TagDefinition>;

/** Rules shared by every tag: absence statements, boilerplate lists of grounds, demographics, pointers. */
const TaggingRules = z.strictObject({
  negation: z.array(Pattern).default([]),
  /** Sentences that report that all is well ("elections were free and fair"): none of their terms count. */
  absence: z.array(Pattern).default([]),
  enumeration: z
    .strictObject({
      cues: z.array(Term).min(1),
      characteristics: z.array(Term).min(1),
      minimum: z.number().int().min(2),
    })
    .optional(),
  demographic: z
    .strictObject({ patterns: z.array(Pattern).min(1), unless: z.array(Pattern).default([]) })
    .optional(),
  pointers: z.array(Pattern).default([]),
  /**
   * Capitalised words that make the names before them a place ("Kachin State", "Karen, Kachin, and Shan
   * States", "Kurdistan Region"): a term in a place name does not count. Matched case-sensitively.
   */
  places: z.array(Term).default([]),
  /**
   * Capitalised words that end the name of an organisation ("Party", "Network"): a capitalised term that
   * opens such a name ("Kurdistan Workers’ Party") does not count. Matched case-sensitively.
   */
  organizations: z.array(Term).default([]),
  /**
   * Headings whose passages list the report's findings ("Executive Summary"): there a contextual term counts
   * next to harm anywhere in its sentence, not only within its `within` words ("threats and violence against
   * human rights defenders, journalists, women, and other vulnerable populations").
   */
  summaries: z.array(Term).default([]),
  /** Spans in which no term counts, such as cross-references "(see Child Soldiers, below)". */
  ignore: z.array(Pattern).default([]),
  /** "55 men, 14 women, and five children": a head count is not a group being targeted. */
  tallies: z.strictObject({ numbers: z.array(Term).min(1), terms: z.array(Term).min(1) }).optional(),
  /** "activists reported", "according to NGOs": a source of information is not the subject of the passage. */
  attribution: z
    .strictObject({
      sources: z.array(Term).min(1),
      verbs: z.array(Term).min(1),
      before: z.array(Term).default([]),
    })
    .optional(),
});
export type TaggingRules = z.infer<typeof TaggingRules>;

export const Taxonomy = z
  .strictObject({
    /** Named word lists, referenced from tags with YAML aliases (*harm); not read by the tagger itself. */
    vocabulary: z.record(z.string(), TermList).default({}),
    rules: TaggingRules.default({
      negation: [],
      absence: [],
      pointers: [],
      ignore: [],
      places: [],
      organizations: [],
      summaries: [],
    }),
    grounds: z.array(TagDefinition),
    topics: z.array(TagDefinition),
    elements: z.array(TagDefinition),
  })
  .superRefine((tax, ctx) => {
    const groundIds = tax.grounds.map((g) => g.id);
    for (const g of GROUNDS) {
      if (!groundIds.includes(g))
        ctx.addIssue({ code: 'custom', path: ['grounds'], message: `ground "${g}" is missing` });
    }
    for (const [i, id] of groundIds.entries()) {
      if (!(GROUNDS as readonly string[]).includes(id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['grounds', i, 'id'],
          message: `"${id}" is not one of ${GROUNDS.join(', ')}`,
        });
      }
    }
    for (const axis of ['grounds', 'topics', 'elements'] as const) {
      const seen = new Set<string>();
      for (const [i, tag] of tax[axis].entries()) {
        if (seen.has(tag.id))
          ctx.addIssue({ code: 'custom', path: [axis, i, 'id'], message: `duplicate id "${tag.id}"` });
        seen.add(tag.id);
      }
    }
  });
export type Taxonomy = z.infer<typeof Taxonomy>;

export const TAXONOMY_FILE = fileURLToPath(new URL('./taxonomy.yaml', import.meta.url));

let cached: Taxonomy | undefined;

export function loadTaxonomy(file = TAXONOMY_FILE): Taxonomy {
  if (file === TAXONOMY_FILE && cached) return cached;
  const taxonomy = parseYamlFile(file, Taxonomy);
  if (file === TAXONOMY_FILE) cached = taxonomy;
  return taxonomy;
}
