export { COVARIANCES, fitGaussianMixture, gaussianMixture, type Covariance, type GaussianMixture, type GaussianMixtureOptions } from './gaussian-mixture.js';
export { COVARIANCE_OPTION, ITERATIONS_OPTION, gaussianMixtureEntry } from './entries.js';
