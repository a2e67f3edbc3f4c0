"""Held-out check data for Qi et al. imprinting, with the reference semantics in numpy.

Writes packages/eval/src/__tests__/fixtures/heldout-qi.json: a synthetic data set (10 classes,
each a mixture of 3 Gaussian modes in 32 dims, so the task is neither trivial nor hopeless), and
what the IMPRINT reference code computes for Qi et al. on it (float64): F.normalize rows
(eps 1e-12), class means, F.normalize again, scores = normalized queries @ weights.T, argmax.

Run: python3 tools/reference/make_heldout_fixture.py   (numpy only)
"""
import json
import pathlib

import numpy as np

rng = np.random.default_rng(2025)
classes, modes, dim, n_train, n_test = 10, 3, 32, 40, 30
centers = rng.normal(size=(classes, modes, dim)) * 1.2


def sample(n):
    xs, ys = [], []
    for c in range(classes):
        m = rng.integers(0, modes, size=n)
        xs.append(centers[c, m] + rng.normal(size=(n, dim)))
        ys.append(np.full(n, c * 3 + 1))  # non-contiguous labels 1, 4, 7, ...
    return np.concatenate(xs).astype(np.float32), np.concatenate(ys).astype(np.int32)


def l2(x):
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


x_train, y_train = sample(n_train)
x_test, y_test = sample(n_test)
labels = np.unique(y_train)
xt = l2(x_train.astype(np.float64))
weights = l2(np.stack([xt[y_train == c].mean(axis=0) for c in labels]))
scores = l2(x_test.astype(np.float64)) @ weights.T
pred = scores.argmax(axis=1)
top2 = np.sort(scores, axis=1)[:, -2:]
truth = np.searchsorted(labels, y_test)
out = {
    "about": __doc__.strip().splitlines()[0],
    "train": {"embeddings": x_train.tolist(), "labels": y_train.tolist()},
    "test": {"embeddings": x_test.tolist(), "labels": y_test.tolist()},
    "qi2018": {
        "predictions": pred.tolist(),
        "accuracy": float(100 * (pred == truth).mean()),
        "minMargin": float((top2[:, 1] - top2[:, 0]).min()),
    },
}
path = pathlib.Path(__file__).resolve().parents[2] / "packages/eval/src/__tests__/fixtures/heldout-qi.json"
path.write_text(json.dumps(out))
print(f"wrote {path}: accuracy {out['qi2018']['accuracy']:.2f}%, smallest top-2 margin {out['qi2018']['minMargin']:.2e}")
