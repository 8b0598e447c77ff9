// The benchmark cases, their inputs (seeded, identical for every library) and how to score them.

export const CASES = [
  ...[128, 256, 512, 1024].map((n) => ({
    id: `matmul${n}`, op: 'matmul', label: `matmul ${n}x${n}`, n, shapes: [[n, n], [n, n]],
    out: [n, n], flops: 2 * n ** 3, unit: 'GFLOP/s', chain: n <= 128 ? 16 : n <= 256 ? 8 : n <= 512 ? 4 : 2,
  })),
  { id: 'add4M', op: 'add', label: 'add 4M (2^22)', shapes: [[1 << 22], [1 << 22]], out: [1 << 22], bytes: 12 * (1 << 22), unit: 'GB/s', chain: 8 },
  { id: 'softmax4096x1024', op: 'softmax', label: 'softmax 4096x1024', shapes: [[4096, 1024]], out: [4096, 1024], bytes: 8 * 4096 * 1024, unit: 'GB/s', chain: 8 },
  { id: 'sum16M', op: 'sum', label: 'sum 16M (2^24)', shapes: [[1 << 24]], out: [], bytes: 4 * (1 << 24), unit: 'GB/s', chain: 8 },
];

export const caseById = (id) => {
  const c = CASES.find((x) => x.id === id);
  if (!c) throw new Error(`unknown bench case '${id}' (known: ${CASES.map((x) => x.id).join(', ')})`);
  return c;
};

/** Throughput of one op taking `ms` milliseconds, in the case's unit (GFLOP/s or GB/s). */
export const rate = (c, ms) => (c.flops ?? c.bytes) / (ms * 1e6);

// inputs must be the same for every library: one seeded stream per case
import { mulberry32 as rng } from '../../tests/conformance/seeded.js';

const size = (shape) => shape.reduce((a, b) => a * b, 1);

/**
 * Inputs for a case. matmul: A uniform in [-1, 1), B uniform with variance 1/n so that the
 * chained op-only run (Y <- Y @ B, repeated) keeps values of order one. sum: uniform [0, 1) so
 * the result is large and its relative error means something.
 */
export function makeInputs(c, seed = 1234) {
  const r = rng(seed ^ c.id.length * 7919);
  return c.shapes.map((shape, i) => {
    const x = new Float32Array(size(shape));
    if (c.op === 'sum') for (let j = 0; j < x.length; j++) x[j] = r();
    else if (c.op === 'matmul' && i === 1) { const s = Math.sqrt(3 / c.n); for (let j = 0; j < x.length; j++) x[j] = (2 * r() - 1) * s; }
    else if (c.op === 'softmax') for (let j = 0; j < x.length; j++) x[j] = 8 * r() - 4;
    else for (let j = 0; j < x.length; j++) x[j] = 2 * r() - 1;
    return x;
  });
}

/**
 * Float64 reference computed here in plain JS, or null where too slow (matmul above 512: the
 * harness then compares against a peer's output instead).
 */
export function exactReference(c, inputs) {
  const [a, b] = inputs;
  if (c.op === 'sum') { let s = 0; for (const v of a) s += v; return Float64Array.of(s); }
  if (c.op === 'add') { const y = new Float64Array(a.length); for (let i = 0; i < a.length; i++) y[i] = a[i] + b[i]; return y; }
  if (c.op === 'softmax') {
    const n = c.shapes[0][1], y = new Float64Array(a.length);
    for (let r = 0; r < a.length; r += n) {
      let m = -Infinity, s = 0;
      for (let j = 0; j < n; j++) if (a[r + j] > m) m = a[r + j];
      for (let j = 0; j < n; j++) s += (y[r + j] = Math.exp(a[r + j] - m));
      for (let j = 0; j < n; j++) y[r + j] /= s;
    }
    return y;
  }
  if (c.op === 'matmul' && c.n <= 512) {
    const n = c.n, y = new Float64Array(n * n), row = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      row.fill(0);
      for (let p = 0; p < n; p++) { const av = a[i * n + p]; for (let j = 0; j < n; j++) row[j] += av * b[p * n + j]; }
      y.set(row, i * n);
    }
    return y;
  }
  return null;
}

/** max |x - ref| / max |ref|: an error relative to the result's scale. */
export function relError(x, ref) {
  if (!x || !ref) return null;
  if (x.length !== ref.length) return Infinity;
  let num = 0, den = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(x[i] - ref[i]);
    if (!(d <= num)) num = Number.isNaN(d) ? Infinity : d;
    const m = Math.abs(ref[i]);
    if (m > den) den = m;
  }
  return den === 0 ? num : num / den;
}
