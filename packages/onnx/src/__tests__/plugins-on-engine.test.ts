import { describeAggregatorContract, describeGeneratorContract } from '@imprint/core/testing';
import { max, mnn } from '@imprint/aggregators';
import { kmeans, kmeansLeastSquares, kmedoids, leastSquares } from '@imprint/generators';
import { onnxEngine } from '../index.js';

// The plugins that ask for kernels, on this engine's kernels: the same contracts as on tf.js.
const { kernels } = onnxEngine();
describeAggregatorContract('max on the onnx engine', () => max(), kernels);
for (const metric of ['cosine', 'euclidean', 'mahalanobis', 'manhattan'] as const) describeAggregatorContract(`mnn ${metric} on the onnx engine`, () => mnn({ m: 1, metric }), kernels);
describeGeneratorContract('kmeans on the onnx engine', () => kmeans(), kernels);
describeGeneratorContract('kmedoids on the onnx engine', () => kmedoids(), kernels);
describeGeneratorContract('ls on the onnx engine', () => leastSquares(), kernels);
describeGeneratorContract('kls on the onnx engine', () => kmeansLeastSquares(), kernels);
