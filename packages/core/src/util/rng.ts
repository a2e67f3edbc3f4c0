/**
 * A small, fast, seedable pseudo-random generator (sfc32 seeded through splitmix32), so that
 * every random choice of an imprinting run — few-shot samples, k-means++ seeds, random proxies —
 * is reproducible from one integer `seed` on every platform and backend.
 */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal variate (Box–Muller). */
  normal(): number;
  /** `count` distinct indices from [0, n), in random order (partial Fisher–Yates). */
  sample(n: number, count: number): number[];
  /** A fresh permutation of [0, n). */
  permutation(n: number): number[];
  /** An independent generator derived from this one's seed and a key. */
  fork(key: string | number): Rng;
}

function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** FNV-1a hash of a string, for deriving stream seeds from keys such as class labels. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** Combine a seed and a key into a new 32-bit seed. */
export function deriveSeed(seed: number, key: string | number): number {
  const mix = splitmix32((seed >>> 0) ^ hashString(`${typeof key}:${String(key)}`));
  mix();
  return mix();
}

/** Create a generator from an integer seed. The same seed always gives the same stream. */
export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  const baseSeed = Math.trunc(seed) >>> 0;
  const init = splitmix32(baseSeed);
  let a = init();
  let b = init();
  let c = init();
  let d = init();
  const nextUint32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) nextUint32();
  let spareNormal: number | undefined;

  const rng: Rng = {
    next: () => nextUint32() / 4294967296,
    int(n) {
      if (!Number.isInteger(n) || n <= 0) throw new RangeError(`n must be a positive integer, got ${n}`);
      return Math.floor(rng.next() * n);
    },
    normal() {
      if (spareNormal !== undefined) {
        const value = spareNormal;
        spareNormal = undefined;
        return value;
      }
      let u = 0;
      while (u === 0) u = rng.next();
      const v = rng.next();
      const radius = Math.sqrt(-2 * Math.log(u));
      spareNormal = radius * Math.sin(2 * Math.PI * v);
      return radius * Math.cos(2 * Math.PI * v);
    },
    sample(n, count) {
      if (count > n) throw new RangeError(`cannot sample ${count} distinct indices from ${n}`);
      const pool = Array.from({ length: n }, (_, i) => i);
      for (let i = 0; i < count; i++) {
        const j = i + rng.int(n - i);
        const swap = pool[i];
        pool[i] = pool[j];
        pool[j] = swap;
      }
      return pool.slice(0, count);
    },
    permutation: (n) => rng.sample(n, n),
    fork: (key) => createRng(deriveSeed(baseSeed, key)),
  };
  return rng;
}
