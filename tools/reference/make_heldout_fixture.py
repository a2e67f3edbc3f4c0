"""Held-out check data and the reference implementation's results on it.

Writes, under packages/eval/src/__tests__/fixtures/:
- heldout-train.npz, heldout-test.npz: a synthetic task (10 classes, each a mixture of 3
  Gaussian modes in 32 dims; 100 train and 30 test samples per class; labels 1, 4, 7, ...).
- heldout-reference.json: what the IMPRINT reference semantics give on it, computed here with
  numpy (float64) and scikit-learn (KMeans, k-means++, one initialisation, random_state=seed),
  mirroring the reference code's select_proxies / compute_least_squares_weights / forward:
  * qi2018, cov_max (k=3, l2/l2/l2/max) and the least-squares oracle: predictions and accuracy;
  * imprintKmeans with k = 5 and k = 20: accuracy per seed 0..9;
  * random GEN with k = 5 (l2/l2/l2/max): accuracy per seed 0..29 (numpy permutation).

Run with a Python that has numpy and scikit-learn (Debian: apt-get install python3-sklearn):
  /usr/bin/python3 tools/reference/make_heldout_fixture.py
"""
import json
import pathlib

import numpy as np
import sklearn
from sklearn.cluster import KMeans

rng = np.random.default_rng(2025)
classes, modes, dim, n_train, n_test = 10, 3, 32, 100, 30
centers = rng.normal(size=(classes, modes, dim)) * 0.65


def sample(n):
    xs, ys = [], []
    for c in range(classes):
        m = rng.integers(0, modes, size=n)
        xs.append(centers[c, m] + rng.normal(size=(n, dim)))
        ys.append(np.full(n, c * 3 + 1))
    return np.concatenate(xs).astype(np.float32), np.concatenate(ys).astype(np.int32)


def l2(x):
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


x_train, y_train = sample(n_train)
x_test, y_test = sample(n_test)
labels = np.unique(y_train)
truth = np.searchsorted(labels, y_test)
xt = l2(x_train.astype(np.float64))
xq = l2(x_test.astype(np.float64))


def evaluate(proxies_per_class, queries):
    weights = np.concatenate(proxies_per_class)
    owners = np.concatenate([np.full(len(p), c) for c, p in enumerate(proxies_per_class)])
    sims = queries @ weights.T
    scores = np.stack([sims[:, owners == c].max(axis=1) for c in range(len(proxies_per_class))], axis=1)
    pred = scores.argmax(axis=1)
    return pred, float(100 * (pred == truth).mean())


def select(data, method, k, seed):
    if method == "all" or k == -1 or len(data) < k:
        return data
    if method == "mean":
        return data.mean(axis=0, keepdims=True)
    if method == "kmeans":
        return KMeans(n_clusters=k, random_state=seed, n_init=1).fit(data).cluster_centers_
    if method == "random":
        return data[np.random.default_rng(seed).permutation(len(data))[:k]]
    if method == "cov_max":
        sums = np.cov(data).sum(axis=0)
        return data[np.argsort(-sums, kind="stable")[:k]]
    raise ValueError(method)


def imprint(method, k, seed=0):
    proxies = [l2(select(xt[y_train == c], method, k, seed)) for c in labels]
    return evaluate(proxies, xq)


out = {"about": __doc__.strip().splitlines()[0], "sklearn": sklearn.__version__}
pred, acc = imprint("mean", 1)
out["qi2018"] = {"predictions": pred.tolist(), "accuracy": acc}
pred, acc = imprint("cov_max", 3)
out["covmax3"] = {"predictions": pred.tolist(), "accuracy": acc}
out["kmeans5"] = {"accuracies": [imprint("kmeans", 5, s)[1] for s in range(10)]}
out["kmeans20"] = {"accuracies": [imprint("kmeans", 20, s)[1] for s in range(10)]}
out["random5"] = {"accuracies": [imprint("random", 5, s)[1] for s in range(30)]}

# least-squares oracle on raw embeddings, lambda 0.05
x64 = x_train.astype(np.float64)
mu = x64.mean(axis=0)
means = np.stack([x64[y_train == c].mean(axis=0) for c in labels], axis=1)
sigma_t = (x64 - mu).T @ (x64 - mu) / len(x64)
w_ls = means.T @ np.linalg.inv(sigma_t + np.outer(mu, mu) + 0.05 * np.eye(dim)) / len(labels)
pred_ls = (x_test.astype(np.float64) @ w_ls.T).argmax(axis=1)
out["ls_oracle"] = {"predictions": pred_ls.tolist(), "accuracy": float(100 * (pred_ls == truth).mean())}

folder = pathlib.Path(__file__).resolve().parents[2] / "packages/eval/src/__tests__/fixtures"
np.savez(folder / "heldout-train.npz", embeddings=x_train, labels=y_train)
np.savez(folder / "heldout-test.npz", embeddings=x_test, labels=y_test)
(folder / "heldout-reference.json").write_text(json.dumps(out, indent=1))
summary = {k: (v["accuracy"] if "accuracy" in v else round(float(np.mean(v["accuracies"])), 2)) for k, v in out.items() if isinstance(v, dict)}
print("wrote heldout fixtures:", summary)
