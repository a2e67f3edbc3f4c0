import { PythonRandom } from './python-random.js';

/**
 * The reference's `RANDOM_CLASS_REMAPPINGS` (src/experiments/imagenet/prep.py of DATEXIS/IMPRINT),
 * rebuilt from its seeded draws: 100 ImageNet classes drawn with seed 420, then 10 times shuffled,
 * and after each shuffle, for i = 1…10, class j (0…9) made of the i classes at j·10 … j·10 + i − 1.
 * Named `map{i}-{j}` (i classes in one, draw j) as the reference's `load_config` names them.
 */
export function referenceRandomClassRemappings(): Record<string, Record<string, number>> {
  const random = new PythonRandom(420);
  const hundred = random.sample(
    Array.from({ length: 1000 }, (_, i) => i),
    100,
  );
  const byMerge = new Map<number, Record<string, number>[]>();
  for (let draw = 0; draw < 10; draw++) {
    random.shuffle(hundred);
    for (let i = 1; i <= 10; i++) {
      const remapping: Record<string, number> = {};
      for (let j = 0; j < 10; j++) for (let k = 0; k < i; k++) remapping[String(hundred[j * 10 + k])] = j;
      byMerge.set(i, [...(byMerge.get(i) ?? []), remapping]);
    }
  }
  const out: Record<string, Record<string, number>> = {};
  for (const [i, remappings] of byMerge) remappings.forEach((remapping, j) => (out[`map${i}-${j}`] = remapping));
  return out;
}
