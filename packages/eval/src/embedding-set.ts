/**
 * Labelled embeddings as they are stored on disk: the reference layout of the IMPRINT code,
 * `embeddings` float32 `[n, d]` (row-major) and `labels` int32 `[n]`.
 */
export interface EmbeddingSet {
  readonly embeddings: Float32Array;
  readonly shape: readonly [rows: number, dim: number];
  readonly labels: Int32Array;
}
