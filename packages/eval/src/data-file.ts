import { parse as parseYaml } from 'yaml';
import { ImprintError } from '@imprint/core';
import { readInputFile } from '@imprint/core/node';

/** Deepest nesting of lists and objects read: deeper input would exhaust the parser's stack. */
const MAX_NESTING = 64;

/**
 * The deepest nesting of `[` / `{` in a JSON or YAML flow text, outside quoted strings. YAML's
 * block nesting (indentation) is not counted: it cannot grow deep in a file a person writes.
 */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote !== undefined) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"') quote = c;
    else if (c === '[' || c === '{') deepest = Math.max(deepest, ++depth);
    else if (c === ']' || c === '}') depth = Math.max(0, depth - 1);
  }
  return deepest;
}

/**
 * Read and parse a JSON file (`.json`) or YAML file (any other extension; YAML is a superset of
 * JSON). Unreadable or unparsable files fail with `BAD_FILE` naming `what` and the path.
 */
export async function readDataFile(path: string, what: string): Promise<unknown> {
  const text = (await readInputFile(path, what)).toString('utf8');
  const json = path.endsWith('.json');
  const depth = nestingDepth(text);
  if (depth > MAX_NESTING) {
    throw new ImprintError('BAD_FILE', `${path}: ${what} nests lists and objects ${depth} levels deep; at most ${MAX_NESTING} are read (configs, grids and results nest a few levels)`, { path, depth });
  }
  try {
    return json ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ImprintError('BAD_FILE', `${path} is not valid ${json ? 'JSON' : 'YAML'}: ${(error as Error).message}`, { path });
  }
}
