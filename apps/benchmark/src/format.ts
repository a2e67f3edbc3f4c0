import type { RunResult } from '@imprint/eval';

const KEYS = ['normPre', 'gen', 'k', 'kMax', 'kSelect', 'normPost', 'normInf', 'agg', 'metric', 'm', 'weighting', 'seed', 'fewshot', 'lambda'] as const;

/** One line describing a config: its name if it has one, then the imprinting keys that matter. */
export function describeConfig(config: RunResult['config']): string {
  const parts: string[] = [];
  for (const key of KEYS) {
    const value = config[key];
    if (value === undefined) continue;
    if ((key === 'metric' || key === 'm' || key === 'weighting') && config.agg === 'max' && key !== 'metric') continue;
    parts.push(`${key}=${value}`);
  }
  const name = typeof config.name === 'string' ? `${config.name}: ` : '';
  return `${name}${parts.join(' ')}`;
}

/** Human-readable result lines. */
export function formatResult(result: RunResult): string {
  return [
    describeConfig(result.config),
    `  accuracy ${result.accuracy.toFixed(2)}%   weighted F1 ${result.f1Weighted.toFixed(2)}   classes ${result.classes.length}   generate ${result.timings.generateMs.toFixed(1)} ms   predict ${result.timings.predictMs.toFixed(1)} ms`,
  ].join('\n');
}
