import { describeConfig, type DescribeSource } from '@imprint/core';
import { DATA_KEY_NAMES, standardDescribeSource, type RunResult } from '@imprint/eval';

/**
 * One line describing a run's config: its name (if any), the method as reports label it (derived
 * from the option declarations, plugins' included), and the seed.
 */
export function describeRun(config: RunResult['config'], source: DescribeSource = standardDescribeSource()): string {
  return describeConfig(config, source, { run: true, skip: [...DATA_KEY_NAMES, 'id'] });
}

/** Human-readable result lines. */
export function formatResult(result: RunResult, source?: DescribeSource): string {
  return [
    describeRun(result.config, source),
    `  accuracy ${result.accuracy.toFixed(2)}%   weighted F1 ${result.f1Weighted.toFixed(2)}   classes ${result.classes.length}   generate ${result.timings.generateMs.toFixed(1)} ms   predict ${result.timings.predictMs.toFixed(1)} ms`,
  ].join('\n');
}
