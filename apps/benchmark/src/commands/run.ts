import { readEmbeddings, createStandardRegistry, evaluateConfig, type RunResult } from '@imprint/eval';
import { resolvePipeline, type ImprintConfigInput } from '@imprint/core';
import { configFromFlags, readConfigsFile, type ConfigFlags } from '../config-options.js';
import { formatResult } from '../format.js';
import { Progress } from '../progress.js';

export interface RunOptions extends ConfigFlags {
  train: string;
  test: string;
  configs?: string;
  json?: boolean;
}

/**
 * `imprint-bench run`: imprint the train file with one config (flags) or each config of a
 * configs file, evaluate on the test file, print results (JSON on stdout with --json).
 */
export async function runCommand(options: RunOptions): Promise<void> {
  const registry = createStandardRegistry();
  const configs: ImprintConfigInput[] = options.configs !== undefined ? await readConfigsFile(options.configs) : [configFromFlags(options)];
  // Validate every config before any work, so a typo in entry 40 does not cost 39 runs.
  configs.forEach((config) => resolvePipeline(config, registry));
  const [train, test] = await Promise.all([readEmbeddings(options.train), readEmbeddings(options.test)]);
  if (train.shape[1] !== test.shape[1]) {
    const { ImprintError } = await import('@imprint/core');
    throw new ImprintError('DIMENSION_MISMATCH', `train embeddings (${options.train}) have dimension ${train.shape[1]}, test embeddings (${options.test}) have ${test.shape[1]}`);
  }
  process.stderr.write(`train ${options.train}: ${train.shape[0]} × ${train.shape[1]}; test ${options.test}: ${test.shape[0]} × ${test.shape[1]}\n`);
  const progress = configs.length > 1 ? new Progress('configs', configs.length) : undefined;
  const results: RunResult[] = [];
  for (const config of configs) {
    const result = await evaluateConfig(train, test, config, registry);
    results.push(result);
    progress?.tick(`${result.accuracy.toFixed(2)}%`);
    if (!options.json) process.stdout.write(`${formatResult(result)}\n`);
  }
  if (options.json) {
    const output = options.configs !== undefined ? results : results[0];
    process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  }
}
