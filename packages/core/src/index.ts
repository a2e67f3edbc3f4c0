export { ImprintError, isImprintError, type ImprintErrorCode } from './errors.js';
export { createRng, deriveSeed, hashString, type Rng } from './rng.js';
export { compareLabels, labelKey, sortedUniqueLabels, type Label } from './labels.js';
export { adjacentSpan, assertDimension, cloneTensor, firstNonFinite, hostMatrixOf, isHostResident, isMainMemoryBackend, rememberHostValues, tensorFromHost, toHostMatrix, toTensor2D, type EmbeddingInput, type HostMatrix } from './matrix.js';
export type { PluginBase, PluginKind } from './plugin.js';
export type { ClassGenerator, Generator, GeneratorContext, JointGenerator } from './generator.js';
export type { Normalizer, NormalizerContext, NormStage } from './normalizer.js';
export type { Aggregator, AggregatorContext } from './aggregator.js';
export { NO_KERNELS, type Engine, type HostMatrix64, type Kernels, type NearestMetric, type NearestResult } from './kernels.js';
export type { Backbone } from './backbone.js';
export type { Presampler } from './presampler.js';
export type { KSelector, KSelectorContext } from './k-selector.js';
export { proxyOwners, type ProxySet } from './proxy-set.js';
export { gramMatrix, matMulTransposed, transposedMatMul } from './products.js';
export { hostGram, hostMatMulTransposed, hostMatMulTransposed64, matMulTransposed64Js } from './host-products.js';
export { KERNEL_NAMES, REFERENCE_KERNEL_SET, kernelSet, type KernelName, type KernelSet } from './compute/kernel-set.js';
export { REFERENCE_KERNELS, type CompleteKernels } from './compute/reference-kernels.js';
export { DEFAULT_BLOCK_ELEMENTS, cosineDistances, euclideanDistances, nearestByDistances, nearestOfTensors, type DistanceFunction } from './compute/nearest-reference.js';
export { dotProduct } from './dot.js';
export { choleskyFactor, invertLower, solveLower, solveLowerTransposed, solveSymmetricPositiveDefinite } from './linalg.js';
export { RowBlocks } from './row-blocks.js';
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
} from './config.js';
export { defineOption, formatValue, isValidValue, kebabCase, optionFromText, optionProblem, validValues, type OptionDeclaration, type OptionStage, type OptionType } from './options/option.js';
export { CORE_OPTIONS, CORE_OPTION_NAMES } from './options/core-options.js';
export { CORE_OPTION_TABLE, OptionTable, type OwnedOption } from './options/option-table.js';
export { describeConfig, type DescribeOptions, type DescribeSource } from './options/describe.js';
export { activeEntries, optionApplies, type ApplicabilitySource } from './options/applicability.js';
export { PRESETS, PRESET_NAMES, expandPreset, type PresetName } from './presets.js';
export { Registry, definePlugin, type Plugin, type PluginEntry, type PluginsByKind, type UseOptions } from './registry.js';
export { resolvePipeline, type Pipeline, type ResolveOptions } from './pipeline.js';
export { closestName, didYouMean } from './suggest.js';
export { warnOnce } from './warn-once.js';
export { errorFromTransfer, errorToTransfer, type TransferredError } from './transfer-error.js';
export { checkInteger, parseIntegerOption, parseNumberOption, type IntegerBounds } from './validate.js';
export { Imprinter, argmaxRows, type ImprintOptions } from './imprinter.js';
export { CONFIDENCE_MEASURES, UNKNOWN, calibrateRejection, checkRejection, confidenceOf, thresholdForFalseRejectRate, type ConfidenceMeasure, type Rejection, type Unknown } from './open-set.js';
export { HEAD_FORMAT_VERSION, HEAD_FORMAT_VERSIONS_READ, deserializeImprinter, readHeadManifest, serializeImprinter, type HeadManifest } from './serialization.js';
export { crc32 } from './crc32.js';
export { firstAvailable, type Candidate, type Chosen } from './runtime/first-available.js';
export { MISSING_BACKEND_HINT, requireBackend } from './runtime/tfjs-backend.js';
