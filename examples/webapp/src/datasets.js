// The 2-D classification tasks of the Train page, generated in the page from a seed. Points
// lie roughly in [-1, 1]^2, the square the decision-boundary picture covers.
import { prng } from '../../train/data.mjs';

export const DATASETS = {
  spiral: { classes: 3, label: 'spiral (3 arms)' },
  moons: { classes: 2, label: 'two moons' },
  circles: { classes: 2, label: 'circles' },
};

/** @returns {{ x: Float32Array, y: Int32Array, n: number, classes: number }} x is [n, 2] row-major. */
export function makeData(kind, { perClass = 100, noise = 0.1, seed = 1 } = {}) {
  const spec = DATASETS[kind];
  if (!spec) throw new Error(`unknown data set '${kind}' (have ${Object.keys(DATASETS).join(', ')})`);
  const r = prng(seed);
  const n = spec.classes * perClass;
  const x = new Float32Array(2 * n), y = new Int32Array(n);
  let i = 0;
  const put = (a, b, c) => { x[2 * i] = a + noise * r.normal(); x[2 * i + 1] = b + noise * r.normal(); y[i++] = c; };
  for (let c = 0; c < spec.classes; c++) {
    for (let j = 0; j < perClass; j++) {
      const t = j / perClass;
      if (kind === 'spiral') {
        const radius = 0.1 + 0.85 * t, angle = (2 * Math.PI * c) / spec.classes + 1.75 * Math.PI * t;
        put(radius * Math.cos(angle), radius * Math.sin(angle), c);
      } else if (kind === 'moons') {
        // two interleaved half circles, centred and scaled into the square
        const a = Math.PI * t;
        const [u, v] = c === 0 ? [Math.cos(a), Math.sin(a)] : [1 - Math.cos(a), 0.5 - Math.sin(a)];
        put((u - 0.5) / 1.6, (v - 0.25) / 1.6, c);
      } else {
        const a = 2 * Math.PI * t, radius = c === 0 ? 0.85 : 0.4;
        put(radius * Math.cos(a), radius * Math.sin(a), c);
      }
    }
  }
  return { x, y, n, classes: spec.classes };
}

/** The G x G grid of points the decision boundary is evaluated on, row 0 at the top. */
export function gridPoints(G, extent = 1.2) {
  const g = new Float32Array(2 * G * G);
  for (let row = 0; row < G; row++) {
    for (let col = 0; col < G; col++) {
      const k = row * G + col;
      g[2 * k] = -extent + (2 * extent * (col + 0.5)) / G;
      g[2 * k + 1] = extent - (2 * extent * (row + 0.5)) / G;
    }
  }
  return g;
}
