"""numpy-written .npz files for the reader tests of @imprint/eval (numpy only).

Run: python3 tools/reference/make_npz_fixtures.py
"""
import pathlib

import numpy as np

out = pathlib.Path(__file__).resolve().parents[2] / "packages/eval/src/__tests__/fixtures"
x = (np.arange(12, dtype=np.float32).reshape(3, 4) - 5.5) / 2
np.savez(out / "numpy-int64-labels.npz", embeddings=x, labels=np.array([3, 1, 3], dtype=np.int64))
np.savez_compressed(out / "numpy-compressed-f8.npz", embeddings=x.astype(np.float64), labels=np.array([3, 1, 3], dtype=np.int32))
np.savez(out / "numpy-fortran.npz", embeddings=np.asfortranarray(x), labels=np.array([3, 1, 3], dtype=np.int32))
np.savez(out / "numpy-no-labels.npz", embeddings=x)
np.savez(out / "numpy-rank3.npz", embeddings=x.reshape(3, 2, 2), labels=np.array([3, 1, 3], dtype=np.int32))
print("wrote", sorted(p.name for p in out.glob("numpy-*.npz")))
