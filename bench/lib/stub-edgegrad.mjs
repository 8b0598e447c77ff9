// A plain-JS stand-in with edgegrad's API subset used by the benchmark. It exists only so the
// harness can be exercised before dist/ is built (`node bench/run.mjs --stub`); its numbers mean nothing.
let selected = 'js';
class T {
  constructor(data, shape) { this.d = data; this.shape = shape; }
  async data() { return this.d.slice(); }
  dispose() { this.d = null; }
}
export async function init({ backend = 'auto' } = {}) {
  selected = backend === 'auto' ? 'wasm' : backend;
  return { selected, backends: { webgpu: { ok: false, reason: 'stub' }, wasm: { ok: true, simd: false, relaxedSimd: false, threads: 1 }, js: { ok: true } } };
}
export const backend = () => selected;
export const tensor = (data, shape) => new T(Float32Array.from(data), shape);
export function matmul(a, b) {
  const [m, k] = a.shape, n = b.shape[1], A = a.d, B = b.d, C = new Float32Array(m * n);
  for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) {
    const av = A[i * k + p];
    for (let j = 0; j < n; j++) C[i * n + j] += av * B[p * n + j];
  }
  return new T(C, [m, n]);
}
export const add = (a, b) => new T(a.d.map((v, i) => v + b.d[i]), a.shape);
export function softmax(x) {
  const n = x.shape[x.shape.length - 1], y = new Float32Array(x.d.length);
  for (let r = 0; r < y.length; r += n) {
    let m = -Infinity, s = 0;
    for (let j = 0; j < n; j++) m = Math.max(m, x.d[r + j]);
    for (let j = 0; j < n; j++) s += (y[r + j] = Math.exp(x.d[r + j] - m));
    for (let j = 0; j < n; j++) y[r + j] /= s;
  }
  return new T(y, x.shape);
}
export function sum(x) { let s = 0; for (const v of x.d) s += v; return new T(Float32Array.of(s), []); }
export const stats = () => ({ stub: true });
export const memory = () => ({ stub: true });
