import { basename, join } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { CONFIDENCE_MEASURES, didYouMean, type Registry } from '@imprint/core';
import { DEVICE_CHOICES, ENGINE_CHOICES, createStandardRegistry, loadPlugins, setUpRuntime, type DeviceChoice, type EngineChoice, type Runtime } from '@imprint/eval';
import { BACKBONE_NAMES, BACKEND_CHOICES, type BackendChoice } from '@imprint/backbones';
import { embedCommand, type EmbedOptions } from './commands/embed.js';
import { gridCommand, type GridOptions } from './commands/grid.js';
import { mergeCommand, type MergeOptions } from './commands/merge.js';
import { reportCommand, type ReportCommandOptions } from './commands/report.js';
import { table1Command, type Table1Options } from './commands/table1.js';
import { opensetCommand, type OpenSetCommandOptions } from './commands/openset.js';
import { incrementalCommand, type IncrementalCommandOptions } from './commands/incremental.js';
import { runCommand, type RunOptions } from './commands/run.js';
import { debugRequested, reportError } from './errors.js';
import { integerListOption, integerOption, limitOption, shareOption, workersOption } from './option-parsers.js';
import { addConfigFlags } from './config-options.js';

/** The `--plugin` modules given before the command. */
function pluginsOf(command: Command): string[] {
  return (command.parent?.opts() as { plugin?: string[] }).plugin ?? [];
}

/**
 * The standard registry extended with the `--plugin` modules, made once per process when the
 * command is known (before its options are parsed, so that a plugin's options are its flags).
 */
let loaded: { registry: Registry; plugins: string[] } | undefined;

async function loadRegistry(plugins: string[]): Promise<Registry> {
  if (loaded !== undefined && loaded.plugins.join('\0') === plugins.join('\0')) return loaded.registry;
  const registry = await loadPlugins(createStandardRegistry(), plugins, (line) => process.stderr.write(`${line}\n`));
  loaded = { registry, plugins };
  return registry;
}

/**
 * The runtime of a command (`setUpRuntime` of @imprint/eval): the `--backend`, the registry with the
 * `--plugin` modules, the `--engine` on the `--device` — the choices written to stderr.
 */
async function runtimeFor(command: Command): Promise<Runtime> {
  const { backend, engine, device } = command.parent?.opts() as { backend: BackendChoice; engine: EngineChoice; device: DeviceChoice };
  const plugins = pluginsOf(command);
  return setUpRuntime({ backend, engine, device, plugins, registry: await loadRegistry(plugins) });
}

/**
 * Where `table1` writes without `--out`: `results` for the default FMs (the main benchmark), else a
 * folder of its own named after the backbones, so a run on other FMs never overwrites the main one.
 */
function table1Folder(backbones: string | undefined): string {
  if (backbones === undefined) return 'results';
  const slug = backbones
    .split(',')
    .map((name) => {
      const trimmed = name.trim();
      const file = trimmed.startsWith('onnx:') ? `onnx-${basename(trimmed.slice('onnx:'.length)).replace(/\.onnx$/i, '')}` : trimmed;
      return file.replace(/[^\w.-]+/g, '-');
    })
    .join('+');
  return join('results', `table1-${slug}`);
}

/** Every long flag of the program and its commands (a `run` has its config flags by then). */
function allFlags(program: Command): string[] {
  return [program, ...program.commands].flatMap((command) => command.options.map((option) => option.long).filter((flag): flag is string => flag !== undefined));
}

/**
 * Commander's error line with a did-you-mean where it has none: a misspelt flag (`--kk` → `--k`)
 * or a misspelt choice (`--preset imprintKmean` → `imprintKmeans`).
 */
function withSuggestion(text: string, program: Command): string {
  const flag = /unknown option '(--[^']+)'/.exec(text);
  if (flag !== null && !/did you mean/i.test(text)) return `${text.trimEnd()}${didYouMean(flag[1], allFlags(program))}\n`;
  const choice = /argument '([^']*)' is invalid\. Allowed choices are (.*)\./.exec(text);
  if (choice !== null) return `${text.trimEnd()}${didYouMean(choice[1], choice[2].split(', '))}\n`;
  return text;
}

function buildProgram(): Command {
  const program = new Command('imprint-bench')
    .description('IMPRINT weight-imprinting benchmark')
    .addOption(new Option('--backend <name>', 'tfjs compute backend').choices(BACKEND_CHOICES as string[]).default('auto'))
    .addOption(new Option('--engine <name>', 'compute engine for the heavy kernels: auto picks the fastest installed (onnx if it loads)').choices(ENGINE_CHOICES as unknown as string[]).default('auto'))
    .addOption(new Option('--device <name>', 'where the onnx engine and its FMs run: auto takes a hardware GPU that starts here (CUDA, then WebGPU; never a software Vulkan driver), else the CPU').choices(DEVICE_CHOICES as unknown as string[]).default('cpu'))
    .option('--debug', 'print stacks with errors (also IMPRINT_DEBUG=1)')
    .option('--plugin <module>', 'load third-party plugins (a package name or file; repeatable): their names work in configs and grids', (value: string, previous: string[] = []) => [...previous, value])
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text), outputError: (text, write) => write(withSuggestion(text, program)) })
    // Every declared option (core's and the --plugin modules') becomes a flag of `run`, listed in its --help.
    .hook('preSubcommand', async (program, command) => {
      if (command.name() !== 'run') return;
      addConfigFlags(command, await loadRegistry((program.opts() as { plugin?: string[] }).plugin ?? []));
    });

  program
    .command('run')
    .description('imprint TRAIN embeddings with one or more configs and evaluate on TEST embeddings')
    .requiredOption('--train <file>', 'train embeddings (.h5 reference layout, or .npz)')
    .requiredOption('--test <file>', 'test embeddings (.h5 reference layout, or .npz)')
    .option('--configs <file>', 'JSON array of configs (camelCase keys); replaces the single-config flags')
    .option('--json', 'print only JSON on stdout')
    .action(async (options: RunOptions, command: Command) => {
      await runCommand(options, (await runtimeFor(command)).registry);
    });
  program
    .command('embed')
    .description('embed a data set split with a backbone and write reference-layout HDF5 (cached)')
    .requiredOption('--dataset <name>', 'mnist | fashion_mnist | folder:PATH')
    .requiredOption('--split <split>', 'train | test')
    .requiredOption('--backbone <name>', `${BACKBONE_NAMES.join(' | ')}`)
    .option('--input-size <n>', 'square input size of the backbone (smaller is faster)', integerOption('--input-size', { min: 1 }))
    .option('--limit <n>', 'only the first N images in the source order', integerOption('--limit', { min: 1 }))
    .option('--workers <n>', 'worker threads (default: all cores)', workersOption())
    .option('--no-cache', 'neither read nor fill the embedding cache')
    .option('--out <file>', 'output file (.h5 or .npz); optional with --shard (the cache is the output)')
    .option('--shard <i/n|auto>', 'embed together with other tasks into a shared cache (IMPRINT_CACHE_DIR): this task is i of n, or auto from a Slurm job array / Kubernetes Indexed Job')
    .option('--shards <n>', 'number of tasks for --shard auto under a Kubernetes Indexed Job (else IMPRINT_SHARD_COUNT)', integerOption('--shards', { min: 1 }))
    .action(async (options: EmbedOptions, command: Command) => {
      await embedCommand(options, (await runtimeFor(command)).engine.backbones);
    });
  program
    .command('grid <file>')
    .description('run an experiment grid (YAML or JSON lists) into a JSONL results file; resumes')
    .option('--out <file>', 'results file (JSONL); runs already in it are skipped (required unless --plan, --dry-run or --embed-only)')
    .option('--workers <n>', 'worker threads', workersOption())
    .option('--shard <i/n|auto>', 'run only shard i of n (0-based); auto: from a Slurm job array (SLURM_ARRAY_TASK_ID/COUNT) or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX with --shards or IMPRINT_SHARD_COUNT)')
    .option('--shards <n>', 'number of shards: for --shard auto under Kubernetes, and for --plan', integerOption('--shards', { min: 1 }))
    .option('--plan', 'print how the grid is cut into shards (runs, FM × data set pairs, estimated cost, balance) and exit')
    .option('--json', 'with --plan: print one JSON object')
    .option('--embed-only', 'only fill the embedding cache (with --shard: this task\'s parts of every entry) and exit')
    .option('--no-memo', 'do not reuse generated proxies across runs')
    .option('--dry-run', 'print the run ids and exit')
    .option('--map <name=value>', "for the Python reference's config files: run its backbone or data set NAME as VALUE (onnx:PATH, an embedded FM, folder:PATH, mnist…; repeatable)", (value: string, previous: string[] = []) => [...previous, value])
    .option('--scale <name>', 'for grids with scales (apps/benchmark/grids/paper/): quick (minutes on 2 cores) or paper (the full protocol); default: the first the grid lists')
    .option('--backbones <list>', 'run the grid on these FMs instead of its own (comma-separated: embedded FMs, pixels, onnx:PATH)', (value: string) => value.split(',').map((name) => name.trim()).filter(Boolean))
    .option('--nc <file>', "also write the neural-collapse measures (NC1, traces of Σ_W and Σ_B, rank of Σ_B) of the train embeddings of every FM × data set the grid uses, remapped data sets included, to this JSON file: report --nc1 FILE draws NC1 against d (Fig. 11a)")
    .action(async (file: string, options: GridOptions, command: Command) => {
      const { registry, workers } = await runtimeFor(command);
      await gridCommand(file, options, registry, workers);
    });

  program
    .command('merge <files...>')
    .description('join results files (e.g. of shards), one line per run id')
    .requiredOption('--out <file>', 'merged results file')
    .option('--expect <grid>', 'check that every run of this grid file is in the merged results (fails naming the missing ones)')
    .action(async (files: string[], options: MergeOptions, command: Command) => mergeCommand(files, options, await loadRegistry(pluginsOf(command))));

  program
    .command('report <results>')
    .description('write report.md, methods.csv and SVG charts from a results file')
    .requiredOption('--out <dir>', 'output folder')
    .option('--top <n>', 'methods shown in tables and the CD diagram (statistics use all)', integerOption('--top', { min: 1 }), 20)
    .option('--method <label>', 'also show this method (repeatable; labels as in methods.csv)', (value: string, previous: string[] = []) => [...previous, value])
    .option('--nc1 <file>', 'NC1 per FM × data set (JSON {"backbone|dataset": value}, as table1 writes nc1.json): adds the gain-vs-NC1 chart')
    .action(async (file: string, options: ReportCommandOptions, command: Command) => reportCommand(file, options, await loadRegistry(pluginsOf(command))));

  program
    .command('table1')
    .description("reproduce the paper's Table 1 on the embedded FMs, MNIST and FashionMNIST")
    .option('--out <dir>', 'results folder (default: results, or results/table1-<backbones> with --backbones, so the main benchmark\'s results stay)')
    .option('--full', 'complete splits at native input sizes (default: 2000 train / 1000 test images per data set; all three FMs at 224)')
    .option('--backbones <list>', 'comma-separated backbones: embedded FM names or onnx:PATH (default: the three embedded FMs)')
    .option('--seeds <list>', 'comma-separated seeds', integerListOption('--seeds'), [0, 1, 2])
    .option('--train-limit <n>', 'train images per data set, or "all"', limitOption('--train-limit'))
    .option('--test-limit <n>', 'test images per data set, or "all"', limitOption('--test-limit'))
    .option('--workers <n>', 'worker threads for the runs', workersOption())
    .option('--resume', 'keep runs already in results/table1.jsonl (without it they are moved to table1.previous.jsonl once the new runs start)')
    .action(async (options: Table1Options, command: Command) => {
      const { registry, engine } = await runtimeFor(command);
      await table1Command({ ...options, out: options.out ?? table1Folder(options.backbones) }, registry, engine);
    });
  program
    .command('openset')
    .description('open-set recognition: train on known classes, test on all; AUROC and accuracy at a calibrated threshold per Table-1 method')
    .option('--out <dir>', 'results folder', 'results/openset')
    .option('--backbones <list>', 'comma-separated backbones: embedded FM names or onnx:PATH (default: the three embedded FMs)')
    .option('--known <list>', 'known classes (default 0,1,2,3,4,5; the others are unknown)', integerListOption('--known'))
    .option('--seeds <list>', 'comma-separated seeds', integerListOption('--seeds'), [0, 1, 2])
    .option('--false-reject-rate <x>', 'target share of known samples rejected, above 0 and below 1 (default 0.05)', shareOption('--false-reject-rate'))
    .addOption(new Option('--by <measure>', 'confidence: auto (distance-margin for mnn heads, else score), score (the winning score), margin (over the runner-up), share (of the votes), distance, distance-margin (mnn heads)').choices(['auto', ...CONFIDENCE_MEASURES]).default('auto'))
    .option('--methods <list>', 'comma-separated presets (default: the five of Table 1)')
    .option('--train-limit <n>', 'train images per data set', integerOption('--train-limit', { min: 1 }))
    .option('--test-limit <n>', 'test images per data set', integerOption('--test-limit', { min: 1 }))
    .action(async (options: OpenSetCommandOptions, command: Command) => {
      const { registry, engine } = await runtimeFor(command);
      await opensetCommand(options, registry, engine);
    });

  program
    .command('incremental')
    .description('class-incremental protocol: classes arrive in tasks, heads grow with addClass; accuracy, forgetting, proxies, time')
    .option('--out <dir>', 'results folder', 'results/incremental')
    .option('--backbones <list>', 'comma-separated backbones: embedded FM names or onnx:PATH (default: the three embedded FMs)')
    .option('--orders <n>', 'class orders (order 0 ascending, others seeded shuffles)', integerOption('--orders', { min: 1 }), 3)
    .option('--classes-per-task <n>', 'classes per task', integerOption('--classes-per-task', { min: 1 }), 2)
    .option('--methods <list>', 'comma-separated presets (default: the five of Table 1)')
    .option('--train-limit <n>', 'train images per data set', integerOption('--train-limit', { min: 1 }))
    .option('--test-limit <n>', 'test images per data set', integerOption('--test-limit', { min: 1 }))
    .action(async (options: IncrementalCommandOptions, command: Command) => {
      const { registry, engine } = await runtimeFor(command);
      await incrementalCommand(options, registry, engine);
    });
  return program;
}

/** Run the CLI with `argv` (without node and script); returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    return reportError(error, debugRequested(argv));
  }
}
