import type { SoftmaxParams, RowParams, NormParams, TypedArray } from '../../types.js';

export function softmax(x: TypedArray, out: TypedArray, p: SoftmaxParams): void {
  const { rows, cols } = p;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let mx = -Infinity;
    for (let c = 0; c < cols; c++) mx = Math.max(mx, x[o + c]);
    if (mx === -Infinity) mx = 0;
    let s = 0;
    for (let c = 0; c < cols; c++) s += Math.exp(x[o + c] - mx);
    if (p.log) { const ls = Math.log(s) + mx; for (let c = 0; c < cols; c++) out[o + c] = x[o + c] - ls; }
    else for (let c = 0; c < cols; c++) out[o + c] = Math.exp(x[o + c] - mx) / s;
  }
}

export function logSumExp(x: TypedArray, out: TypedArray, p: RowParams): void {
  const { rows, cols } = p;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let mx = -Infinity;
    for (let c = 0; c < cols; c++) mx = Math.max(mx, x[o + c]);
    if (!Number.isFinite(mx)) { out[r] = mx; continue; }
    let s = 0;
    for (let c = 0; c < cols; c++) s += Math.exp(x[o + c] - mx);
    out[r] = Math.log(s) + mx;
  }
}

export function layerNorm(x: TypedArray, g: TypedArray | null, b: TypedArray | null, out: TypedArray, p: NormParams): void {
  const { rows, cols, eps } = p;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let mean = 0;
    for (let c = 0; c < cols; c++) mean += x[o + c];
    mean /= cols;
    let v = 0;
    for (let c = 0; c < cols; c++) v += (x[o + c] - mean) ** 2;
    const inv = 1 / Math.sqrt(v / cols + eps);
    for (let c = 0; c < cols; c++) out[o + c] = (x[o + c] - mean) * inv * (g ? g[c] : 1) + (b ? b[c] : 0);
  }
}

export function rmsNorm(x: TypedArray, g: TypedArray | null, out: TypedArray, p: NormParams): void {
  const { rows, cols, eps } = p;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let ss = 0;
    for (let c = 0; c < cols; c++) ss += x[o + c] * x[o + c];
    const inv = 1 / Math.sqrt(ss / cols + eps);
    for (let c = 0; c < cols; c++) out[o + c] = x[o + c] * inv * (g ? g[c] : 1);
  }
}
