// The one seeded generator of the tests and the bench (plain JS: it runs in every runtime).
// EG_SEED fixes the seed for a run (globalThis.EG_SEED where a runner injects it, else the
// environment); otherwise each run draws a fresh one, which failures print.

/** mulberry32: small, fast, and good enough for test data; `next()` is uniform in [0, 1). */
export function mulberry32(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The run's seed: EG_SEED when set, else fresh. */
export const SEED = (() => {
  const g = globalThis;
  const env = g.process?.env?.EG_SEED;
  const fixed = g.EG_SEED ?? (env !== undefined && env !== '' ? Number(env) : undefined);
  return (fixed ?? Math.floor(Math.random() * 2 ** 31)) >>> 0;
})();

/** Uniform, normal and integer draws from one stream. */
export function seeded(seed = SEED) {
  const next = mulberry32(seed);
  return {
    next,
    uniform: (lo = -1, hi = 1) => lo + (hi - lo) * next(),
    normal: () => Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next()),
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo)),
  };
}
