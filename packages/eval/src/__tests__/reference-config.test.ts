import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isReferenceConfig, parseReferenceConfigText, referenceDataCombinations, referenceGridSpecs, referenceRunCount } from '../experiments/reference-config.js';
import { createStandardRegistry, expandGrid } from '../index.js';

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

  it('become grids of ours with the same runs, less the ones our declarations collapse', () => {
    const registry = createStandardRegistry();
    const ours: Record<string, number | string> = {};
    for (const [name, { parameters }] of Object.entries(fixture)) {
      try {
        const ids = new Set<string>();
        for (const spec of referenceGridSpecs(parameters, { allowUnmapped: true, source: name })) for (const run of expandGrid(spec, registry)) ids.add(run.id);
        ours[name] = ids.size;
      } catch (error) {
        ours[name] = (error as { code?: string }).code ?? 'error';
      }
    }
    const same = (name: string) => fixture[name]!.referenceRuns;
    expect(ours).toEqual({
      'config.yaml': same('config.yaml'),
      'config_reprod_fig6.yaml': same('config_reprod_fig6.yaml'),
      'config_reprod_subsec1_aggfixed.yaml': same('config_reprod_subsec1_aggfixed.yaml'),
      'config_reprod_subsec1_aggfixed_kls.yaml': same('config_reprod_subsec1_aggfixed_kls.yaml'),
      // mnn with m = 1 ignores its weighting (192 of 1968 settings), and mean with mnn m = 20 or 50
      // (k = 1: more neighbours than the 10 class means) is dropped (96): 1680 settings
      'config_reprod_subsec1_aggfocus.yaml': 1680 * 48 * 3,
      'config_reprod_subsec1_aggfocus_kls.yaml': 107 * 48 * 3,
      'config_reprod_subsec2.yaml': same('config_reprod_subsec2.yaml'),
      'config_reprod_subsec2_kls.yaml': same('config_reprod_subsec2_kls.yaml'),
      'config_reprod_subsec3_combidigits.yaml': same('config_reprod_subsec3_combidigits.yaml'),
      'config_reprod_subsec3_combidigits_kls.yaml': same('config_reprod_subsec3_combidigits_kls.yaml'),
      'config_reprod_subsec3_imagenet.yaml': same('config_reprod_subsec3_imagenet.yaml'),
      'config_reprod_subsec3_imagenet_kls.yaml': same('config_reprod_subsec3_imagenet_kls.yaml'),
      'config_reprod_subsec3_non-imagenet.yaml': same('config_reprod_subsec3_non-imagenet.yaml'),
      'config_reprod_subsec3_non-imagenet_kls.yaml': same('config_reprod_subsec3_non-imagenet_kls.yaml'),
    });
  });
});
