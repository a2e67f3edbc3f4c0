/** The three tf.js models that the `nsfwjs` npm package ships under `dist/models/`. */
export type NsfwjsModelName = 'mobilenet_v2_mid' | 'mobilenet_v2' | 'inception_v3';
