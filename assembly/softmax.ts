// Row-wise kernels over x viewed as [rows, cols]: softmax / log-softmax, logSumExp,
// layerNorm, rmsNorm. A row is read from memory once (the max pass); the later passes
// hit it in L1/L2. exp is evaluated once per element: the exp pass writes e^(x - max)
// to out and sums it, the last pass scales out in place.
import { vexpNonPos, fsplat, hmax, hsum } from './vmath';
import { TLS_BASE } from './scratch';

const TAIL: usize = memory.data(16, 16) + TLS_BASE;

/** Row max ignoring NaN (pmax is one instruction where f32x4.max is a sequence). A NaN
 *  still reaches the result: exp(NaN − max) is NaN, so the row's sum and every output are.
 *  Only logSumExp's non-finite-max rows need hasNaN below. */
function rowMax(x: usize, n: i32): f32 {
  let m0 = fsplat(-Infinity), m1 = m0, m2 = m0, m3 = m0;
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const p = x + (<usize>i << 2);
    m0 = f32x4.pmax(m0, v128.load(p)); m1 = f32x4.pmax(m1, v128.load(p, 16));
    m2 = f32x4.pmax(m2, v128.load(p, 32)); m3 = f32x4.pmax(m3, v128.load(p, 48));
  }
  for (; i + 4 <= n; i += 4) m0 = f32x4.pmax(m0, v128.load(x + (<usize>i << 2)));
  let m = hmax(f32x4.pmax(f32x4.pmax(m0, m1), f32x4.pmax(m2, m3)));
  for (; i < n; i++) { const v = load<f32>(x + (<usize>i << 2)); if (v > m) m = v; }
  return m;
}

function hasNaN(x: usize, n: i32): bool {
  for (let i = 0; i < n; i++) { const v = load<f32>(x + (<usize>i << 2)); if (v != v) return true; }
  return false;
}

/** sum of exp(x - mx) over the row; writes the terms to out when `store` is set. */
@inline function expSum(x: usize, out: usize, n: i32, mx: f32, storeTerms: bool): f64 {
  const mv = fsplat(mx);
  let s0 = fsplat(0), s1 = s0;
  let total: f64 = 0;
  let i = 0;
  while (i + 8 <= n) {
    // f32 lanes within 256-element blocks, f64 across them: long rows keep ~1e-7 sums
    const end = min(n & ~7, i + 256);
    for (; i < end; i += 8) {
      const p = <usize>i << 2;
      const e0 = vexpNonPos(f32x4.sub(v128.load(x + p), mv));
      const e1 = vexpNonPos(f32x4.sub(v128.load(x + p, 16), mv));
      if (storeTerms) { v128.store(out + p, e0); v128.store(out + p, e1, 16); }
      s0 = f32x4.add(s0, e0); s1 = f32x4.add(s1, e1);
    }
    total += hsum(f32x4.add(s0, s1));
    s0 = fsplat(0); s1 = s0;
  }
  for (; i + 4 <= n; i += 4) {
    const p = <usize>i << 2;
    const e0 = vexpNonPos(f32x4.sub(v128.load(x + p), mv));
    if (storeTerms) v128.store(out + p, e0);
    s0 = f32x4.add(s0, e0);
  }
  let s = total + hsum(s0);
  if (i < n) {
    const rest = <usize>(n - i) << 2;
    // padding lanes hold -Inf so they contribute exp(-Inf) = 0
    v128.store(TAIL, fsplat(-Infinity));
    memory.copy(TAIL, x + (<usize>i << 2), rest);
    const e = vexpNonPos(f32x4.sub(v128.load(TAIL), mv));
    if (storeTerms) { v128.store(TAIL, e); memory.copy(out + (<usize>i << 2), TAIL, rest); }
    s += hsum(e);
  }
  return s;
}

function expSumStore(x: usize, out: usize, n: i32, mx: f32): f64 { return expSum(x, out, n, mx, true); }
function expSumOnly(x: usize, n: i32, mx: f32): f64 { return expSum(x, 0, n, mx, false); }

export function softmax(x: usize, out: usize, rows: i32, cols: i32, log: bool): void {
  const rb = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const px = x + <usize>r * rb, po = out + <usize>r * rb;
    let mx = rowMax(px, cols);
    if (mx == -Infinity) mx = 0;
    if (log) {
      const ls = fsplat(<f32>(Math.log(expSumOnly(px, cols, mx)) + <f64>mx));
      let i = 0;
      for (; i + 4 <= cols; i += 4) v128.store(po + (<usize>i << 2), f32x4.sub(v128.load(px + (<usize>i << 2)), ls));
      const l = f32x4.extract_lane(ls, 0);
      for (; i < cols; i++) store<f32>(po + (<usize>i << 2), load<f32>(px + (<usize>i << 2)) - l);
    } else {
      const s = expSumStore(px, po, cols, mx);
      const inv = fsplat(<f32>(1.0 / s));
      let i = 0;
      for (; i + 8 <= cols; i += 8) {
        const p = po + (<usize>i << 2);
        v128.store(p, f32x4.mul(v128.load(p), inv));
        v128.store(p, f32x4.mul(v128.load(p, 16), inv), 16);
      }
      for (; i + 4 <= cols; i += 4) { const p = po + (<usize>i << 2); v128.store(p, f32x4.mul(v128.load(p), inv)); }
      const f = f32x4.extract_lane(inv, 0);
      for (; i < cols; i++) { const p = po + (<usize>i << 2); store<f32>(p, load<f32>(p) * f); }
    }
  }
}

export function logSumExp(x: usize, out: usize, rows: i32, cols: i32): void {
  const rb = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const px = x + <usize>r * rb;
    const mx = rowMax(px, cols);
    const q = out + (<usize>r << 2);
    if (!isFinite(mx)) { store<f32>(q, hasNaN(px, cols) ? NaN : mx); continue; } // NaN wins over ±Infinity
    store<f32>(q, <f32>(Math.log(expSumOnly(px, cols, mx)) + <f64>mx));
  }
}

@inline function rowSum(x: usize, n: i32): f64 {
  let s0 = fsplat(0), s1 = s0;
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const p = x + (<usize>i << 2);
    s0 = f32x4.add(s0, v128.load(p)); s1 = f32x4.add(s1, v128.load(p, 16));
  }
  for (; i + 4 <= n; i += 4) s0 = f32x4.add(s0, v128.load(x + (<usize>i << 2)));
  let s = hsum(f32x4.add(s0, s1));
  for (; i < n; i++) s += <f64>load<f32>(x + (<usize>i << 2));
  return s;
}

/** sum of (x - c)^2 over the row. */
@inline function rowSq(x: usize, n: i32, c: f32): f64 {
  const cv = fsplat(c);
  let s0 = fsplat(0), s1 = s0;
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const p = x + (<usize>i << 2);
    const d0 = f32x4.sub(v128.load(p), cv), d1 = f32x4.sub(v128.load(p, 16), cv);
    s0 = f32x4.add(s0, f32x4.mul(d0, d0)); s1 = f32x4.add(s1, f32x4.mul(d1, d1));
  }
  for (; i + 4 <= n; i += 4) { const d = f32x4.sub(v128.load(x + (<usize>i << 2)), cv); s0 = f32x4.add(s0, f32x4.mul(d, d)); }
  let s = hsum(f32x4.add(s0, s1));
  for (; i < n; i++) { const d = <f64>(load<f32>(x + (<usize>i << 2)) - c); s += d * d; }
  return s;
}

/** out = (x - c) * inv * g + b, with g/b optional (0 pointer = absent). */
@inline function affine(x: usize, out: usize, n: i32, c: f32, inv: f32, g: usize, b: usize, hasG: bool, hasB: bool): void {
  const cv = fsplat(c), iv = fsplat(inv);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const p = <usize>i << 2;
    let v = f32x4.mul(f32x4.sub(v128.load(x + p), cv), iv);
    if (hasG) v = f32x4.mul(v, v128.load(g + p));
    if (hasB) v = f32x4.add(v, v128.load(b + p));
    v128.store(out + p, v);
  }
  for (; i < n; i++) {
    const p = <usize>i << 2;
    let v = (load<f32>(x + p) - c) * inv;
    if (hasG) v *= load<f32>(g + p);
    if (hasB) v += load<f32>(b + p);
    store<f32>(out + p, v);
  }
}

/**
 * The row in float64 scalars, as the reference computes it: taken when the float32 lanes
 * overflow (|x| or a partial sum of squares past ~1.8e19). Rows with NaN or ±Infinity also
 * land here and come out NaN, as in the reference.
 */
function normRow64(px: usize, po: usize, cols: i32, eps: f64, rms: bool, g: usize, b: usize, hasG: bool, hasB: bool): void {
  let mean: f64 = 0;
  if (!rms) { for (let i = 0; i < cols; i++) mean += <f64>load<f32>(px + (<usize>i << 2)); mean /= <f64>cols; }
  let v: f64 = 0;
  for (let i = 0; i < cols; i++) { const d = <f64>load<f32>(px + (<usize>i << 2)) - mean; v += d * d; }
  const inv = 1.0 / Math.sqrt(v / <f64>cols + eps);
  for (let i = 0; i < cols; i++) {
    const p = <usize>i << 2;
    let y = (<f64>load<f32>(px + p) - mean) * inv;
    if (hasG) y *= <f64>load<f32>(g + p);
    if (hasB) y += <f64>load<f32>(b + p);
    store<f32>(po + p, <f32>y);
  }
}

@inline function normRows(x: usize, g: usize, b: usize, out: usize, rows: i32, cols: i32, eps: f64, rms: bool, hasG: bool, hasB: bool): void {
  const rb = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const px = x + <usize>r * rb, po = out + <usize>r * rb;
    const mean: f32 = rms ? 0 : <f32>(rowSum(px, cols) / <f64>cols);
    const sq = rowSq(px, cols, mean);
    if (!isFinite(sq)) { normRow64(px, po, cols, eps, rms, g, b, hasG, hasB); continue; }
    const inv = <f32>(1.0 / Math.sqrt(sq / <f64>cols + eps));
    affine(px, po, cols, mean, inv, g, b, hasG, hasB);
  }
}

// One function per variant (see unary.ts for why they are not inlined side by side).
function lnGB(x: usize, g: usize, b: usize, out: usize, rows: i32, cols: i32, eps: f64): void { normRows(x, g, b, out, rows, cols, eps, false, true, true); }
function lnG(x: usize, g: usize, b: usize, out: usize, rows: i32, cols: i32, eps: f64): void { normRows(x, g, b, out, rows, cols, eps, false, true, false); }
function lnB(x: usize, g: usize, b: usize, out: usize, rows: i32, cols: i32, eps: f64): void { normRows(x, g, b, out, rows, cols, eps, false, false, true); }
function ln(x: usize, g: usize, b: usize, out: usize, rows: i32, cols: i32, eps: f64): void { normRows(x, g, b, out, rows, cols, eps, false, false, false); }
function rmsG(x: usize, g: usize, out: usize, rows: i32, cols: i32, eps: f64): void { normRows(x, g, 0, out, rows, cols, eps, true, true, false); }
function rms(x: usize, g: usize, out: usize, rows: i32, cols: i32, eps: f64): void { normRows(x, g, 0, out, rows, cols, eps, true, false, false); }

export function layerNorm(x: usize, g: usize, b: usize, out: usize, rows: i32, cols: i32, eps: f64, hasG: bool, hasB: bool): void {
  if (hasG && hasB) lnGB(x, g, b, out, rows, cols, eps);
  else if (hasG) lnG(x, g, b, out, rows, cols, eps);
  else if (hasB) lnB(x, g, b, out, rows, cols, eps);
  else ln(x, g, b, out, rows, cols, eps);
}

export function rmsNorm(x: usize, g: usize, out: usize, rows: i32, cols: i32, eps: f64, hasG: bool): void {
  if (hasG) rmsG(x, g, out, rows, cols, eps);
  else rms(x, g, out, rows, cols, eps);
}
