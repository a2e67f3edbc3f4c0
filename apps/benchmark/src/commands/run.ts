import { alignClassNames, readEmbeddings, createStandardRegistry, evaluateConfig, groupByLabel, type RunResult } from '@imprint/eval';
import { ImprintError, errorToTransfer, resolvePipeline, type ImprintConfigInput, type Registry, type TransferredError } from '@imprint/core';
import { configFromFlags, readConfigsFile, type ConfigFlags } from '../config-options.js';
import { formatResult } from '../format.js';
import { Progress } from '../progress.js';

export interface RunOptions extends ConfigFlags {
  train: string;
  test: string;
  configs?: string;
  json?: boolean;
}

/** A config of a configs file that failed at run time: its input and the one-line error. */
export interface FailedRun {
  readonly config: ImprintConfigInput;
  readonly error: { readonly code: string; readonly message: string };
}

/**
 * `imprint-bench run`: imprint the train file with one config (flags) or each config of a
 * configs file, evaluate on the test file, print results (JSON on stdout with --json). With a
 * configs file, a config that fails at run time is reported and the others still run: the output
 * keeps every result, with `{ config, error }` in place of the failed ones, and the exit code is 1.
 */
export async function runCommand(options: RunOptions, registry: Registry = createStandardRegistry()): Promise<void> {
  const configs: ImprintConfigInput[] = options.configs !== undefined ? await readConfigsFile(options.configs) : [configFromFlags(options, registry.options())];
  // Validate every config before any work, so a typo in entry 40 does not cost 39 runs.
  configs.forEach((config, i) => {
    try {
      resolvePipeline(config, registry);
    } catch (error) {
      if (options.configs !== undefined && error instanceof ImprintError) throw new ImprintError(error.code, `${options.configs}: entry ${i}: ${error.message}`, error.details as Record<string, unknown>);
      throw error;
    }
  });
  // With an engine, the files are checked for NaN and ±Infinity on all cores.
  const read = { kernels: registry.engine?.kernels };
  const [loaded, testFile] = await Promise.all([readEmbeddings(options.train, read), readEmbeddings(options.test, read)]);
  // String labels (class names) are numbered per file; the test file takes the train file's numbers.
  const test = alignClassNames(loaded, testFile, { train: options.train, test: options.test });
  // Each class's rows consecutive: every config then uses them in place instead of copying them.
  const train = groupByLabel(loaded);
  if (train.shape[1] !== test.shape[1]) {
    throw new ImprintError('DIMENSION_MISMATCH', `train embeddings (${options.train}) have dimension ${train.shape[1]}, test embeddings (${options.test}) have ${test.shape[1]}`);
  }
  process.stderr.write(`train ${options.train}: ${train.shape[0]} × ${train.shape[1]}; test ${options.test}: ${test.shape[0]} × ${test.shape[1]}\n`);
  if (options.configs === undefined) {
    const result = await evaluateConfig(train, test, configs[0], registry);
    process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatResult(result, registry)}\n`);
    return;
  }
  const progress = configs.length > 1 ? new Progress('configs', configs.length) : undefined;
  const outcomes: (RunResult | FailedRun)[] = [];
  let failures = 0;
  for (const [i, config] of configs.entries()) {
    try {
      const result = await evaluateConfig(train, test, config, registry);
      outcomes.push(result);
      progress?.tick(`${result.accuracy.toFixed(2)}%`);
      if (!options.json) process.stdout.write(`${formatResult(result, registry)}\n`);
    } catch (error) {
      failures++;
      const transferred: TransferredError = errorToTransfer(error);
      const failed: FailedRun = { config, error: { code: transferred.code ?? 'INTERNAL', message: transferred.message } };
      outcomes.push(failed);
      progress?.tick('failed');
      process.stderr.write(`imprint-bench: config ${i} of ${options.configs} failed [${failed.error.code}]: ${failed.error.message}\n`);
    }
  }
  if (options.json) process.stdout.write(`${JSON.stringify(outcomes, null, 2)}\n`);
  if (failures > 0) {
    throw new ImprintError('INVALID_INPUT', `${failures} of ${configs.length} configs failed (their results are marked with "error"; the other ${configs.length - failures} are complete)`, { failures });
  }
}
