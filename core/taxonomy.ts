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

const TagDefinition = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'a lower-case slug such as "domestic-violence"'),
  label: z.string().min(1),
  description: z.string().optional(),
  terms: z.array(Term).min(1),
  exclude: z.array(z.string().min(1)).default([]),
  /** Groups of interchangeable spellings for search ("FGM", "female genital mutilation", "FGM/C"). */
  synonyms: z.array(z.array(z.string().min(1)).min(2)).default([]),
});
export type TagDefinition = z.infer<typeof TagDefinition>;

export const Taxonomy = z
  .strictObject({
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
