// A tiny suite in the conformance shape, used to check that every runtime x backend of the
// harness really starts and runs (`node tests/run.mjs --suites tests/harness/smoke-suite.js`).
// It checks against plain JS arithmetic on fresh random inputs; the real suites live in
// tests/conformance/.
import { mulberry32 } from '../conformance/seeded.js';

function check(got, want, tol, what, seed) {
  if (got.length !== want.length) throw new Error(`${what}: length ${got.length}, want ${want.length} (seed ${seed})`);
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]);
    if (!(err <= tol * Math.max(1, Math.abs(want[i])))) throw new Error(`${what}: [${i}] = ${got[i]}, want ${want[i]} (seed ${seed})`);
  }
}

const rng = mulberry32;

export const suites = {
  smoke(test, { eg, backend, runtime }) {
    test('backend is selected', async () => {
      if (typeof eg.backend === 'function' && eg.backend() !== backend) throw new Error(`eg.backend() = ${eg.backend()}, want ${backend} on ${runtime}`);
    });
    test('add two small tensors', async () => {
      const a = eg.tensor([1, 2, 3]);
      const b = eg.tensor([10, 20, 30]);
      const c = eg.add(a, b);
      check(Array.from(await c.data()), [11, 22, 33], 0, 'add', 0);
    });
    test('add random tensors of odd length', async () => {
      const seed = (Math.random() * 2 ** 31) >>> 0;
      const r = rng(seed);
      const n = 1000 + Math.floor(r() * 50);
      const x = new Float32Array(n).map(() => r() * 2 - 1);
      const y = new Float32Array(n).map(() => r() * 2 - 1);
      const z = eg.add(eg.tensor(x, [n]), eg.tensor(y, [n]));
      check(await z.data(), Array.from(x, (v, i) => Math.fround(v + y[i])), 1e-6, 'add', seed);
    });
  },
};
