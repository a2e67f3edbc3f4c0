/**
 * Ridge term λ of least-squares GEN per foundation model, as tuned in the paper
 * (ResNet-50 1e-4, ViT-B/16 0.1, Swin-B 0.05); every other model gets {@link DEFAULT_LAMBDA}.
 */
export const LAMBDA_BY_BACKBONE: Readonly<Record<string, number>> = Object.freeze({
  resnet50: 1e-4,
  resnet18: 1e-4,
  vit_b_16: 0.1,
  swin_b: 0.05,
});

export const DEFAULT_LAMBDA = 0.05;

/** λ for a backbone name (`resnet*` → 1e-4), or the default. */
export function defaultLambda(backbone?: string): number {
  if (backbone === undefined) return DEFAULT_LAMBDA;
  if (backbone in LAMBDA_BY_BACKBONE) return LAMBDA_BY_BACKBONE[backbone];
  if (backbone.startsWith('resnet')) return 1e-4;
  return DEFAULT_LAMBDA;
}
