"""The reference implementation's speed on one IMPRINT step, for `pnpm bench:reference`.

Mirrors what the published IMPRINT code computes, with the libraries it uses (PyTorch and
scikit-learn), on every core of this machine:
  kmeans        GEN k-means (KMeans(n_clusters=k, n_init="auto") per class on L2-normalised
                embeddings, centres L2-normalised), predict = max inner product
  ls            GEN least squares: W = (1/C) M^T (Sigma_T + mu mu^T + lambda I)^-1 (torch,
                float32, covariance + inverse), predict = argmax of X W^T
  ls_l2         the same on L2-normalised embeddings (NORMpre l2: train in GEN, test in predict)
  mnn_cosine    GEN all samples (L2), predict = NearestNeighbors(m, metric="cosine") vote
  mnn_euclidean the same with metric="euclidean"
Prints one JSON object: seconds for loading, GEN and predict, the whole run, and the accuracy.

Run with a Python that has numpy, scikit-learn and torch (Debian: apt-get install python3-sklearn
python3-torch):
  /usr/bin/python3 tools/reference/speed_reference.py --train TRAIN.npz --test TEST.npz --step kmeans
"""
import argparse
import json
import os
import time

started = time.perf_counter()
import numpy as np  # noqa: E402
import sklearn  # noqa: E402
import torch  # noqa: E402
from sklearn.cluster import KMeans  # noqa: E402
from sklearn.neighbors import NearestNeighbors  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--train", required=True)
parser.add_argument("--test", required=True)
parser.add_argument("--step", required=True, choices=["kmeans", "ls", "ls_l2", "mnn_cosine", "mnn_euclidean"])
parser.add_argument("--k", type=int, default=20)
parser.add_argument("--m", type=int, default=5)
parser.add_argument("--lam", type=float, default=0.05)
parser.add_argument("--seed", type=int, default=0)
args = parser.parse_args()
threads = os.cpu_count()
torch.set_num_threads(threads)


def l2(x):
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def load(path):
    with np.load(path) as f:
        return np.ascontiguousarray(f["embeddings"], dtype=np.float32), f["labels"].astype(np.int64)


t = time.perf_counter()
x_train, y_train = load(args.train)
x_test, y_test = load(args.test)
classes = np.unique(y_train)
truth = np.searchsorted(classes, y_test)
load_s = time.perf_counter() - t

t = time.perf_counter()
if args.step == "kmeans":
    proxies, owners = [], []
    for i, c in enumerate(classes):
        centres = KMeans(n_clusters=args.k, n_init="auto", random_state=args.seed).fit(l2(x_train[y_train == c])).cluster_centers_
        proxies.append(l2(centres.astype(np.float32)))
        owners.append(np.full(len(centres), i))
    weights, owners = np.concatenate(proxies), np.concatenate(owners)
elif args.step in ("ls", "ls_l2"):
    x = torch.from_numpy(l2(x_train) if args.step == "ls_l2" else x_train)
    mu = x.mean(0)
    cov = torch.cov(x.T, correction=0) + torch.outer(mu, mu) + args.lam * torch.eye(x.shape[1])
    means = torch.stack([x[torch.from_numpy(y_train == c)].mean(0) for c in classes])
    weights = (means @ torch.linalg.inv(cov) / len(classes)).numpy()
else:
    train_l2 = l2(x_train)
    index = NearestNeighbors(n_neighbors=args.m, metric=args.step.split("_")[1], algorithm="brute").fit(train_l2)
gen_s = time.perf_counter() - t

t = time.perf_counter()
if args.step == "kmeans":
    sims = l2(x_test) @ weights.T
    scores = np.stack([sims[:, owners == i].max(axis=1) for i in range(len(classes))], axis=1)
elif args.step in ("ls", "ls_l2"):
    scores = (l2(x_test) if args.step == "ls_l2" else x_test) @ weights.T
else:
    _, neighbours = index.kneighbors(l2(x_test))
    owner = np.searchsorted(classes, y_train)[neighbours]
    scores = np.zeros((len(x_test), len(classes)))
    np.add.at(scores, (np.arange(len(x_test))[:, None], owner), 1)
predictions = scores.argmax(axis=1)
predict_s = time.perf_counter() - t

blas = "unknown"
try:
    import threadpoolctl

    info = [i for i in threadpoolctl.threadpool_info() if i.get("internal_api") == "openblas"]
    if info:
        blas = f"OpenBLAS {info[0].get('version')} ({info[0].get('architecture')}, {info[0].get('num_threads')} threads)"
except Exception:  # noqa: BLE001 - the BLAS description is informational
    pass
print(json.dumps({
    "step": args.step, "threads": threads, "blas": blas, "torch": torch.__version__, "sklearn": sklearn.__version__,
    "load_s": load_s, "gen_s": gen_s, "predict_s": predict_s, "total_s": time.perf_counter() - started,
    "accuracy": float(100 * (predictions == truth).mean()),
}))
