import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isReferenceConfig, parseReferenceConfigText, referenceDataCombinations, referenceRunCount } from '../experiments/reference-config.js';

// Run counts of the reference's 14 config files, computed with the reference's own code
// (tools/reference/reference_run_counts.py: its load_config and generate_combinations), kept with
// the files' parameters. Each file is written back in the reference's style — JSON-like, trailing
// commas, `#` comments after values — and read and counted here.
const fixture = JSON.parse(readFileSync(fileURLToPath(new URL('./fixtures/reference-run-counts.json', import.meta.url)), 'utf8')) as Record<
  string,
  { parameters: Record<string, unknown>; referenceRuns: number; combinations: { backbone: string; dataset: string[]; mapping: string; split: string; runs: number }[] }
>;

/** A config file as the reference writes them: one value per line, trailing commas, comments. */
function referenceStyle(parameters: Record<string, unknown>): string {
  const lines = ['{'];
  for (const [key, value] of Object.entries(parameters)) {
    if (Array.isArray(value)) {
      lines.push(`    "${key}": [  # ${key}`);
      for (const item of value) lines.push(`        ${JSON.stringify(item)},`);
      lines.push('    ],');
    } else {
      lines.push(`    "${key}": ${JSON.stringify(value)}, # as written`);
    }
  }
  lines.push('}');
  return lines.join('\n');
}

describe("the reference's config files", () => {
  it('are 14, and each is read and counted as the reference counts it', () => {
    expect(Object.keys(fixture)).toHaveLength(14);
    for (const [name, { parameters, referenceRuns, combinations }] of Object.entries(fixture)) {
      const config = parseReferenceConfigText(referenceStyle(parameters), name);
      expect(isReferenceConfig(config), name).toBe(true);
      expect(referenceRunCount(config, name), name).toBe(referenceRuns);
      const ours = referenceDataCombinations(config, name);
      expect(ours.map((c) => [c.backbone, c.datasets.join('+'), c.mapping, c.split, c.runs].join(' ')).sort(), name).toEqual(
        combinations.map((c) => [c.backbone, c.dataset.join('+'), c.mapping, c.split, c.runs].join(' ')).sort(),
      );
    }
  });

  it('are told apart from our grid files by their keys', () => {
    expect(isReferenceConfig({ backbones: ['pixels'], datasets: ['mnist'], methods: ['qi2018'] })).toBe(false);
    expect(isReferenceConfig({ proxy_methods: ['kmeans'], ks: [1, 5] })).toBe(true);
    expect(() => parseReferenceConfigText('{"gen": ["mean"]}', 'x.yaml')).toThrow(/x\.yaml is not a reference config/);
  });
});
