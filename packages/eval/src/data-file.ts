import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { ImprintError } from '@imprint/core';

/**
 * Read and parse a JSON file (`.json`) or YAML file (any other extension; YAML is a superset of
 * JSON). Unreadable or unparsable files fail with `BAD_FILE` naming `what` and the path.
 */
export async function readDataFile(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ImprintError('BAD_FILE', `cannot read ${what} ${path}: ${(error as Error).message}`, { path });
  }
  const json = path.endsWith('.json');
  try {
    return json ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ImprintError('BAD_FILE', `${path} is not valid ${json ? 'JSON' : 'YAML'}: ${(error as Error).message}`, { path });
  }
}
