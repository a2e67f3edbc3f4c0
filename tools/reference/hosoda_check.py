"""Hosoda (2024) imprinting as the reference implementation computes it, on embedding files.

The steps of DATEXIS/IMPRINT's src/models/model.py for the hosoda2024 configuration (no input
normalization, mean proxy per class, quantile normalization of each new class's weight against all
weights stored before it (src/utils/helpers.py: quantile_norm, torch.quantile's linear
interpolation at (i + 0.5) / N), no query normalization, max inner product), transcribed to numpy
so it runs without PyTorch. Prints the accuracy and why it is what it is: how similar the classes'
dimension rankings are (quantile normalization keeps only the ranking of a weight's dimensions).

usage: /usr/bin/python3 tools/reference/hosoda_check.py TRAIN.npz TEST.npz
"""
import sys

import numpy as np


def quantile_norm(x, ref):
    """src/utils/helpers.py quantile_norm (discrete): each row's values replaced, in rank order, by
    the reference values' quantiles at (i + 0.5) / N (torch.quantile: linear interpolation)."""
    if ref.size == 0:
        return x
    n = x.shape[-1]
    y = np.quantile(ref.ravel().astype(np.float64), np.arange(0, 1, 1 / n) + 1 / (2 * n)).astype(np.float32)
    out = x.copy()
    order = np.argsort(x, axis=1, kind="stable")
    for i in range(x.shape[0]):
        out[i, order[i]] = y
    return out


def main(train_path, test_path):
    train, test = np.load(train_path), np.load(test_path)
    x, y = train["embeddings"].astype(np.float32), train["labels"]
    q, t = test["embeddings"].astype(np.float32), test["labels"]
    classes = np.unique(y)
    weights = []
    for c in classes:  # classes are imprinted one after the other (extend_ws per class)
        proxy = x[y == c].mean(axis=0, keepdims=True)
        ref = np.vstack(weights) if weights else np.zeros((0, x.shape[1]), np.float32)
        weights.append(quantile_norm(proxy, ref))
    w = np.vstack(weights)
    predicted = classes[np.argmax(q @ w.T, axis=1)]
    accuracy = 100 * np.mean(predicted == t)
    means = np.vstack([x[y == c].mean(axis=0) for c in classes])
    ranks = np.argsort(np.argsort(means, axis=1), axis=1).astype(np.float64)
    spearman = np.corrcoef(ranks)[np.triu_indices(len(classes), 1)]
    share = np.bincount(np.searchsorted(classes, predicted), minlength=len(classes)) / len(predicted)
    print(f"reference hosoda2024 accuracy: {accuracy:.2f} %")
    print(f"class means' dimension rankings: Spearman correlation between classes {spearman.mean():.3f} (min {spearman.min():.3f})")
    print(f"share of test predictions per class: {' '.join(f'{s:.2f}' for s in share)}")
    print(f"embeddings: {np.mean(x >= 0) * 100:.1f} % of values non-negative")


if __name__ == "__main__":
    main(*sys.argv[1:3])
