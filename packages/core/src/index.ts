export { ImprintError, isImprintError, type ImprintErrorCode } from './util/errors.js';
export { createRng, deriveSeed, hashString, type Rng } from './util/rng.js';
export { compareLabels, labelKey, sortedUniqueLabels, type Label } from './head/labels.js';
export { adjacentSpan, assertDimension, cloneTensor, firstNonFinite, hostMatrixOf, isHostResident, isMainMemoryBackend, rememberHostValues, tensorFromHost, toHostMatrix, toTensor2D, type EmbeddingInput, type HostMatrix } from './compute/matrix.js';
export type { PluginBase, PluginKind } from './contracts/plugin.js';
export type { ClassGenerator, Generator, GeneratorContext, JointGenerator } from './contracts/generator.js';
export type { Normalizer, NormalizerContext, NormStage } from './contracts/normalizer.js';
export type { Aggregator, AggregatorContext } from './contracts/aggregator.js';
export { NO_KERNELS, type Engine, type HostMatrix64, type Kernels, type NearestMetric, type NearestResult } from './contracts/kernels.js';
export type { Backbone } from './contracts/backbone.js';
export type { Presampler } from './contracts/presampler.js';
export type { KSelector, KSelectorContext } from './contracts/k-selector.js';
export { proxyOwners, type ProxySet } from './contracts/proxy-set.js';
export { gramMatrix, matMulTransposed, transposedMatMul } from './compute/products.js';
export { hostGram, hostMatMulTransposed, hostMatMulTransposed64, matMulTransposed64Js } from './compute/host-products.js';
export { KERNEL_NAMES, REFERENCE_KERNEL_SET, kernelSet, type KernelName, type KernelSet } from './compute/kernel-set.js';
export { REFERENCE_KERNELS, type CompleteKernels } from './compute/reference-kernels.js';
export { DEFAULT_BLOCK_ELEMENTS, cosineDistances, euclideanDistances, nearestByDistances, nearestOfTensors, type DistanceFunction } from './compute/nearest-reference.js';
export { dotProduct } from './compute/dot.js';
export { choleskyFactor, invertLower, solveLower, solveLowerTransposed, solveSymmetricPositiveDefinite } from './compute/linalg.js';
export { RowBlocks } from './compute/row-blocks.js';
export {
  CORE_CONFIG_KEYS,
  DEFAULT_CONFIG,
  K_MAX_DEFAULT,
  parseConfig,
  type AggregatorName,
  type AggregatorRegistry,
  type CoreConfig,
  type GeneratorName,
  type GeneratorRegistry,
  type ImprintConfig,
  type ImprintConfigInput,
  type ImprintOptionTypes,
  type KSelectorName,
  type KSelectorRegistry,
  type NormalizerName,
  type NormalizerRegistry,
} from './config/config.js';
export { defineOption, formatValue, isValidValue, kebabCase, optionFromText, optionProblem, validValues, type OptionDeclaration, type OptionStage, type OptionType } from './options/option.js';
export { CORE_OPTIONS, CORE_OPTION_NAMES } from './options/core-options.js';
export { CORE_OPTION_TABLE, OptionTable, type OwnedOption } from './options/option-table.js';
export { describeConfig, type DescribeOptions, type DescribeSource } from './options/describe.js';
export { activeEntries, applicableOptions, optionApplies, type ApplicabilitySource } from './options/applicability.js';
export { PRESETS, PRESET_NAMES, expandPreset, type PresetName } from './config/presets.js';
export { Registry, definePlugin, type Plugin, type PluginEntry, type PluginsByKind, type UseOptions } from './config/registry.js';
export { resolvePipeline, type Pipeline, type ResolveOptions } from './config/pipeline.js';
export { closestName, didYouMean } from './config/suggest.js';
export { warnOnce } from './util/warn-once.js';
export { errorFromTransfer, errorToTransfer, type TransferredError } from './util/transfer-error.js';
export { checkInteger, parseIntegerOption, parseNumberOption, type IntegerBounds } from './config/validate.js';
export { Imprinter, KEEP_EXAMPLES_MAX_ROWS, argmaxRows, type ClassState, type HeadOptions, type ImprintOptions, type RunningMean } from './head/imprinter.js';
export { CONFIDENCE_MEASURES, SCORE_CONFIDENCE_MEASURES, UNKNOWN, calibrateRejection, checkRejection, confidenceOf, distanceConfidence, thresholdForFalseRejectRate, type ConfidenceMeasure, type Rejection, type Unknown } from './head/open-set.js';
export { HEAD_FORMAT_VERSION, HEAD_FORMAT_VERSION_WITH_STATE, HEAD_FORMAT_VERSIONS_READ, deserializeImprinter, readHeadManifest, serializeImprinter, type HeadManifest, type ReadHeadOptions } from './head/serialization.js';
export { crc32 } from './util/crc32.js';
export { firstAvailable, type Candidate, type Chosen } from './runtime/first-available.js';
export { MISSING_BACKEND_HINT, requireBackend } from './runtime/tfjs-backend.js';
