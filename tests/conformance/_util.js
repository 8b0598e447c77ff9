// Shared by every conformance suite. Plain JS with relative imports only, so the same
// files run in Node, Deno, workerd and Chromium. The oracles here are independent float64
// implementations: they check the js reference backend too, not just agree with it.

import { SEED, seeded } from './seeded.js';
export { SEED };

/** A stream of the run's seed, decorrelated per suite by `salt`. */
export function rng(salt = 0) {
  return seeded((SEED + Math.imul(salt + 1, 0x9e3779b9)) >>> 0);
}

export const sizeOf = (s) => s.reduce((a, b) => a * b, 1);

export function randn(r, shape, scale = 1) {
  return Float32Array.from({ length: sizeOf(shape) }, () => r.normal() * scale);
}
export function randu(r, shape, lo, hi) {
  return Float32Array.from({ length: sizeOf(shape) }, () => r.uniform(lo, hi));
}
export function randi(r, shape, lo, hi) {
  return Int32Array.from({ length: sizeOf(shape) }, () => r.int(lo, hi));
}

/** Per-op-family, per-backend tolerances (|got - want| <= atol + rtol·|want|). The README table is this one. */
export const TOLERANCE = {
  elementwise: { js: [1e-6, 1e-7], wasm: [1e-5, 1e-6], webgpu: [1e-5, 1e-6] },
  transcendental: { js: [1e-6, 1e-7], wasm: [1e-5, 1e-6], webgpu: [2e-5, 2e-6] },
  reduction: { js: [1e-6, 1e-6], wasm: [1e-4, 1e-5], webgpu: [1e-4, 1e-5] },
  matmul: { js: [1e-6, 1e-6], wasm: [1e-4, 1e-5], webgpu: [1e-4, 1e-5] },
  softmax: { js: [1e-6, 1e-7], wasm: [1e-5, 1e-6], webgpu: [2e-5, 2e-6] },
  norm: { js: [1e-5, 1e-6], wasm: [1e-4, 1e-5], webgpu: [1e-4, 1e-5] },
  exact: { js: [0, 0], wasm: [0, 0], webgpu: [0, 0] },
};
export const tol = (family, backend) => { const [rtol, atol] = TOLERANCE[family][backend]; return { rtol, atol }; };

function fail(msg) { throw new Error(`${msg} [seed ${SEED}; rerun with EG_SEED=${SEED}]`); }

export function assert(cond, msg) { if (!cond) fail(msg); }

export function assertShape(t, shape, what = '') {
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))
    fail(`${what} shape [${t.shape}] != expected [${shape}]`);
}

/** Elementwise closeness; NaN must match NaN and infinities must match exactly. `scale`
 *  (optional, per element) replaces |want| in the relative term, for sums that cancel. */
export function assertClose(got, want, { rtol, atol }, what = '', scale) {
  if (got.length !== want.length) fail(`${what}: length ${got.length} != ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    const g = got[i], w = want[i];
    if (Number.isNaN(w)) { if (!Number.isNaN(g)) fail(`${what}: [${i}] got ${g}, want NaN`); continue; }
    if (!Number.isFinite(w)) { if (g !== w) fail(`${what}: [${i}] got ${g}, want ${w}`); continue; }
    const s = scale ? scale[i] : Math.abs(w);
    if (!(Math.abs(g - w) <= atol + rtol * s)) fail(`${what}: [${i}] got ${g}, want ${w} (|diff| ${Math.abs(g - w).toExponential(2)} > ${atol} + ${rtol}·${s.toExponential(2)})`);
  }
}

export function assertEqual(got, want, what = '') {
  if (got.length !== want.length) fail(`${what}: length ${got.length} != ${want.length}`);
  for (let i = 0; i < want.length; i++) if (!(got[i] === want[i] || (Number.isNaN(got[i]) && Number.isNaN(want[i])))) fail(`${what}: [${i}] got ${got[i]}, want ${want[i]}`);
}

export async function expectThrows(fn, pattern, what = '') {
  try { await fn(); } catch (e) {
    if (pattern && !pattern.test(e.message)) fail(`${what}: error "${e.message}" does not match ${pattern}`);
    return e;
  }
  fail(`${what}: expected an error matching ${pattern}`);
}

// ---- float64 oracles ---------------------------------------------------------
export const strides = (s) => { const st = []; let a = 1; for (let i = s.length - 1; i >= 0; i--) { st[i] = a; a *= s[i]; } return st; };

export function bshape(...shapes) {
  const r = Math.max(...shapes.map((s) => s.length));
  return Array.from({ length: r }, (_, ax) => Math.max(...shapes.map((s) => s[ax - r + s.length] ?? 1)));
}

/** Value of `data` (shape s) at output index `idx` of broadcast shape out. */
function at(data, s, idx, out) {
  const st = strides(s), off = out.length - s.length;
  let o = 0;
  for (let ax = 0; ax < s.length; ax++) o += (s[ax] === 1 ? 0 : idx[ax + off]) * st[ax];
  return data[o];
}

export function unravel(i, shape) {
  const idx = new Array(shape.length);
  for (let ax = shape.length - 1; ax >= 0; ax--) { idx[ax] = i % shape[ax]; i = Math.floor(i / shape[ax]); }
  return idx;
}

export function broadcastMap(inputs, f) {
  const out = bshape(...inputs.map((x) => x.shape));
  const n = sizeOf(out);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const idx = unravel(i, out);
    data[i] = f(...inputs.map((x) => at(x.data, x.shape, idx, out)));
  }
  return { data, shape: out };
}

export function reduceOracle(data, shape, axes, f, init) {
  const outShape = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const out = new Float64Array(sizeOf(outShape)).fill(init);
  const os = strides(outShape);
  for (let i = 0; i < data.length; i++) {
    const idx = unravel(i, shape);
    let o = 0;
    idx.forEach((v, ax) => { if (!axes.includes(ax)) o += v * os[ax]; });
    out[o] = f(out[o], data[i]);
  }
  return out;
}

export function matmulOracle(a, b, m, n, k, batch = 1, aStride = m * k, bStride = k * n) {
  const out = new Float64Array(batch * m * n);
  for (let t = 0; t < batch; t++)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let q = 0; q < k; q++) s += a[t * aStride + i * k + q] * b[t * bStride + q * n + j];
        out[t * m * n + i * n + j] = s;
      }
  return out;
}

export function transposeOracle(data, shape, perm) {
  const outShape = perm.map((p) => shape[p]);
  const st = strides(shape);
  const out = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const idx = unravel(i, outShape);
    let o = 0;
    idx.forEach((v, ax) => { o += v * st[perm[ax]]; });
    out[i] = data[o];
  }
  return { data: out, shape: outShape };
}
