/**
 * YAML config files validated by zod, with errors that name the file, the line, the entry and the field,
 * so a bad line in sources.yaml reads like "sources.yaml:14: sources[2] (id: uk-cpin) → crawl.delaySeconds:
 * expected a number, got "fast"".
 */
import { readFileSync } from 'node:fs';
import { isMap, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { z } from 'zod';
import { UsageError } from './errors.ts';
import { receivedType } from './zod-issues.ts';

export class ConfigFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file} is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigFileError';
  }
}

function readRequiredFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new UsageError(`${file} does not exist. Check the path.`);
    throw error;
  }
}

export function parseYamlFile<S extends z.ZodType>(file: string, schema: S, text?: string): z.infer<S> {
  const source = text ?? readRequiredFile(file);
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigFileError(
      file,
      doc.errors.map((e) => `${file}:${e.linePos?.[0]?.line ?? '?'}: ${e.message.split('\n')[0]}`),
    );
  }
  const result = schema.safeParse(doc.toJS());
  if (result.success) return result.data;
  const problems = result.error.issues.flatMap((issue) => {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    // An unknown key is reported on its own line, one problem per key.
    const located =
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({
            path: [...path, key],
            message: `unknown field "${key}" (check its spelling)`,
          }))
        : [{ path, message: missingFieldMessage(issue) ?? issue.message }];
    return located.map(({ path: at, message }) => {
      const node = deepestNode(doc.contents, at);
      const line = node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
      return `${file}${line ? `:${line}` : ''}: ${describePath(doc.contents, at)}: ${message}`;
    });
  });
  throw new ConfigFileError(file, problems);
}

/** zod says "expected string, received undefined" for a field left out; say that it is missing. */
function missingFieldMessage(issue: z.core.$ZodIssue): string | undefined {
  if (issue.code !== 'invalid_type' || receivedType(issue) !== 'undefined') return undefined;
  return `missing: this field is required (${issue.expected})`;
}

/** The node at `path`, or the closest existing ancestor (a missing key is reported at its parent). */
function deepestNode(root: unknown, path: (string | number)[]): Node | undefined {
  let node = root as Node | undefined;
  let found = node;
  for (const key of path) {
    if (isMap(node) || isSeq(node)) {
      const next = node.get(key, true) as Node | undefined;
      if (next === undefined) {
        // An unknown key: point at the key itself.
        if (isMap(node)) {
          const pair = node.items.find((p) => (p.key as { value?: unknown })?.value === key);
          if (pair?.key) return pair.key as Node;
        }
        break;
      }
      node = next;
      found = node;
    } else break;
  }
  return found;
}

/** "sources[2] (id: uk-cpin) → crawl.delaySeconds": entries are named by their id when they have one. */
function describePath(root: unknown, path: (string | number)[]): string {
  if (path.length === 0) return '(top level)';
  const parts: string[] = [];
  let node = root as Node | undefined;
  for (const key of path) {
    if (typeof key === 'number') {
      const prev = parts.pop() ?? '';
      let label = `${prev}[${key}]`;
      const item = isSeq(node) ? (node.get(key, true) as Node | undefined) : undefined;
      const id = isMap(item) ? item.get('id') : undefined;
      if (typeof id === 'string') label += ` (id: ${id})`;
      parts.push(label);
    } else parts.push(key);
    node = isMap(node) || isSeq(node) ? (node.get(key, true) as Node | undefined) : undefined;
  }
  return parts.join(' → ').replace(/ → \[/g, '[');
}
