// Values the documentation samples use without defining them.
declare const trainEmbeddings: number[][];
declare const trainLabels: number[];
declare const testEmbeddings: number[][];
declare const moreEmbeddings: number[][];
declare const images: import('@tensorflow/tfjs-core').Tensor4D;
declare const source: import('@imprint/backbones').ImageBatchSource;
