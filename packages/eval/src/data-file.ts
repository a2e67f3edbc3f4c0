import { parse as parseYaml } from 'yaml';
import { ImprintError } from '@imprint/core';
import { readInputFile } from '@imprint/core/node';

/**
 * Read and parse a JSON file (`.json`) or YAML file (any other extension; YAML is a superset of
 * JSON). Unreadable or unparsable files fail with `BAD_FILE` naming `what` and the path.
 */
export async function readDataFile(path: string, what: string): Promise<unknown> {
  const text = (await readInputFile(path, what)).toString('utf8');
  const json = path.endsWith('.json');
  try {
    return json ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ImprintError('BAD_FILE', `${path} is not valid ${json ? 'JSON' : 'YAML'}: ${(error as Error).message}`, { path });
  }
}
