import { describeGeneratorContract } from '@imprint/core/testing';
import { all, covMax, fps, kmeans, kmeansLeastSquares, kmedoids, leastSquares, random, xavier } from '../index.js';

describeGeneratorContract('all', () => all());
describeGeneratorContract('random', () => random());
describeGeneratorContract('kmeans (tfjs)', () => kmeans());
describeGeneratorContract('kmeans (ml-kmeans)', () => kmeans({ implementation: 'ml-kmeans' }));
describeGeneratorContract('kmedoids', () => kmedoids());
describeGeneratorContract('fps', () => fps());
describeGeneratorContract('cov_max', () => covMax());
describeGeneratorContract('none (xavier)', () => xavier());
describeGeneratorContract('ls', () => leastSquares());
describeGeneratorContract('kls', () => kmeansLeastSquares());
