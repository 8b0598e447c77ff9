// Reductions of x viewed as [outer, size, inner] over the middle axis.
// Op codes: assembly/codes.ts, generated from runtime/ops-table.ts.
// inner == 1 reduces contiguous rows with several independent accumulators; inner > 1
// walks 16-wide column strips (one cache line) down the reduced axis, keeping the strip
// in registers, so every input line is read exactly once.

import { REDUCE_SUM, REDUCE_MEAN, REDUCE_MAX, REDUCE_MIN, REDUCE_ARGMAX, REDUCE_ARGMIN, DTYPE_FLOAT32 } from './codes';
import { TLS_BASE } from './scratch';

const SUM = REDUCE_SUM, MEAN = REDUCE_MEAN, MAX = REDUCE_MAX, MIN = REDUCE_MIN, ARGMAX = REDUCE_ARGMAX;

/** f32 sum of a contiguous row: f32 lanes over 64-element blocks, then f64 lanes, so
 *  cancelling sums stay close to the float64 reference. */
function sumRowF32(x: usize, n: i32): f64 {
  let d0 = f64x2.splat(0), d1 = d0;
  let i = 0;
  while (i + 16 <= n) {
    const end = min(n & ~15, i + 64);
    let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
    for (; i < end; i += 16) {
      const p = x + (<usize>i << 2);
      a0 = f32x4.add(a0, v128.load(p));
      a1 = f32x4.add(a1, v128.load(p, 16));
      a2 = f32x4.add(a2, v128.load(p, 32));
      a3 = f32x4.add(a3, v128.load(p, 48));
    }
    const t = f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3));
    d0 = f64x2.add(d0, f64x2.promote_low_f32x4(t));
    d1 = f64x2.add(d1, f64x2.promote_low_f32x4(i32x4.shuffle(t, t, 2, 3, 0, 1)));
  }
  const d = f64x2.add(d0, d1);
  let total = f64x2.extract_lane(d, 0) + f64x2.extract_lane(d, 1);
  for (; i < n; i++) total += <f64>load<f32>(x + (<usize>i << 2));
  return total;
}

function sumRowI32(x: usize, n: i32): i32 {
  let a0 = i32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const p = x + (<usize>i << 2);
    a0 = i32x4.add(a0, v128.load(p));
    a1 = i32x4.add(a1, v128.load(p, 16));
    a2 = i32x4.add(a2, v128.load(p, 32));
    a3 = i32x4.add(a3, v128.load(p, 48));
  }
  const s = i32x4.add(i32x4.add(a0, a1), i32x4.add(a2, a3));
  let t = i32x4.extract_lane(s, 0) + i32x4.extract_lane(s, 1) + i32x4.extract_lane(s, 2) + i32x4.extract_lane(s, 3);
  for (; i < n; i++) t += load<i32>(x + (<usize>i << 2));
  return t;
}

@inline function ext<T>(isMax: bool, a: v128, b: v128): v128 {
  return isMax ? v128.max<T>(a, b) : v128.min<T>(a, b);
}

@inline function pext<T>(isMax: bool, a: v128, b: v128): v128 {
  // pmax/pmin are single instructions (f32x4.max/min are sequences); NaN is tracked apart
  if (isFloat<T>()) return isMax ? f32x4.pmax(a, b) : f32x4.pmin(a, b);
  return ext<T>(isMax, a, b);
}
@inline function nanMask<T>(v: v128): v128 {
  return isFloat<T>() ? f32x4.ne(v, v) : i32x4.splat(0);
}

/** max/min of a contiguous row; a NaN anywhere makes the result NaN. */
@inline function extRow<T>(isMax: bool, x: usize, n: i32): T {
  const init: T = isFloat<T>() ? <T>(isMax ? -Infinity : Infinity) : <T>(isMax ? i32.MIN_VALUE : i32.MAX_VALUE);
  let a0 = v128.splat<T>(init), a1 = a0, a2 = a0, a3 = a0;
  let nan = i32x4.splat(0);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const p = x + (<usize>i << 2);
    const v0 = v128.load(p), v1 = v128.load(p, 16), v2 = v128.load(p, 32), v3 = v128.load(p, 48);
    a0 = pext<T>(isMax, a0, v0); a1 = pext<T>(isMax, a1, v1);
    a2 = pext<T>(isMax, a2, v2); a3 = pext<T>(isMax, a3, v3);
    if (isFloat<T>()) nan = v128.or(nan, v128.or(v128.or(nanMask<T>(v0), nanMask<T>(v1)), v128.or(nanMask<T>(v2), nanMask<T>(v3))));
  }
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    a0 = pext<T>(isMax, a0, v);
    if (isFloat<T>()) nan = v128.or(nan, nanMask<T>(v));
  }
  if (isFloat<T>() && v128.any_true(nan)) return <T>NaN;
  for (; i < n; i++) a0 = ext<T>(isMax, a0, v128.splat<T>(load<T>(x + (<usize>i << 2))));
  const s = ext<T>(isMax, ext<T>(isMax, a0, a1), ext<T>(isMax, a2, a3));
  const h = ext<T>(isMax, s, i32x4.shuffle(s, s, 2, 3, 0, 1));
  return v128.extract_lane<T>(ext<T>(isMax, h, i32x4.shuffle(h, h, 1, 0, 3, 2)), 0);
}

/** Lanes where v should replace best: strictly better, or the first NaN seen (a NaN best sticks). */
@inline function better<T>(isMax: bool, v: v128, best: v128): v128 {
  const gt = isMax ? v128.gt<T>(v, best) : v128.lt<T>(v, best);
  if (!isFloat<T>()) return gt;
  return v128.or(gt, v128.andnot(f32x4.ne(v, v), f32x4.ne(best, best)));
}

@inline function argRow<T>(isMax: bool, x: usize, n: i32): i32 {
  let bi = 0;
  let bv = load<T>(x);
  let i = 0;
  if (n >= 16) {
    // Two sets of per-lane (best, index) halve the compare/select dependency chain; ties
    // keep the earlier index within a lane. NaNs are only flagged here and located after.
    let best0 = v128.load(x), idx0 = i32x4(0, 1, 2, 3);
    let best1 = v128.load(x, 16), idx1 = i32x4(4, 5, 6, 7);
    let cur0 = idx0, cur1 = idx1;
    let nan = v128.or(nanMask<T>(best0), nanMask<T>(best1));
    const eight = i32x4.splat(8);
    for (i = 8; i + 8 <= n; i += 8) {
      cur0 = i32x4.add(cur0, eight); cur1 = i32x4.add(cur1, eight);
      const p = x + (<usize>i << 2);
      const v0 = v128.load(p), v1 = v128.load(p, 16);
      const m0 = isMax ? v128.gt<T>(v0, best0) : v128.lt<T>(v0, best0);
      const m1 = isMax ? v128.gt<T>(v1, best1) : v128.lt<T>(v1, best1);
      best0 = v128.bitselect(v0, best0, m0); idx0 = v128.bitselect(cur0, idx0, m0);
      best1 = v128.bitselect(v1, best1, m1); idx1 = v128.bitselect(cur1, idx1, m1);
      if (isFloat<T>()) nan = v128.or(nan, v128.or(nanMask<T>(v0), nanMask<T>(v1)));
    }
    if (isFloat<T>() && v128.any_true(nan)) {
      for (let j = 0; j < i; j++) { const v = load<T>(x + (<usize>j << 2)); if (v != v) return j; }
    }
    // merge the two sets, then the four lanes: better value, or equal value with lower index
    const take = isMax ? v128.gt<T>(best1, best0) : v128.lt<T>(best1, best0);
    const tie = v128.and(v128.eq<T>(best1, best0), i32x4.lt_s(idx1, idx0));
    const m = v128.or(take, tie);
    const best = v128.bitselect(best1, best0, m), idx = v128.bitselect(idx1, idx0, m);
    bv = v128.extract_lane<T>(best, 0);
    bi = i32x4.extract_lane(idx, 0);
    for (let l = 1; l < 4; l++) {
      const v = l == 1 ? v128.extract_lane<T>(best, 1) : l == 2 ? v128.extract_lane<T>(best, 2) : v128.extract_lane<T>(best, 3);
      const j = l == 1 ? i32x4.extract_lane(idx, 1) : l == 2 ? i32x4.extract_lane(idx, 2) : i32x4.extract_lane(idx, 3);
      if ((isMax ? v > bv : v < bv) || (v == bv && j < bi)) { bv = v; bi = j; }
    }
  } else i = 1;
  if (isFloat<T>() && bv != bv) return bi;
  for (; i < n; i++) {
    const v = load<T>(x + (<usize>i << 2));
    if (isFloat<T>() && v != v) return i;
    if (isMax ? v > bv : v < bv) { bv = v; bi = i; }
  }
  return bi;
}

// f64 partial sums of a 16-wide strip: float sums flush their f32 lanes here every 64 rows.
const F64ACC: usize = memory.data(128, 16) + TLS_BASE;

@inline function flush(slot: i32, v: v128): void {
  const q = F64ACC + (<usize>slot << 5);
  v128.store(q, f64x2.add(v128.load(q), f64x2.promote_low_f32x4(v)));
  v128.store(q, f64x2.add(v128.load(q, 16), f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1))), 16);
}

/** The flushed f64 sums of slot, divided by `div`, rounded to f32 lanes. */
@inline function drain(slot: i32, div: f64): v128 {
  const q = F64ACC + (<usize>slot << 5), d = f64x2.splat(div);
  const lo = f32x4.demote_f64x2_zero(f64x2.div(v128.load(q), d));
  const hi = f32x4.demote_f64x2_zero(f64x2.div(v128.load(q, 16), d));
  return i32x4.shuffle(lo, hi, 0, 1, 4, 5);
}

/** Column strips: out[j] for the `inner` columns over rows of stride `stride` elements, 16 then
 *  4 then 1 wide. */
@inline function colsT<T>(op: i32, x: usize, out: usize, size: i32, inner: i32, stride: i32): void {
  const isArg = op >= ARGMAX;
  const isMax = op == MAX || op == ARGMAX;
  const ld = <usize>stride << 2;
  const outShift: usize = 2;
  let j = 0;
  for (; j + 4 <= inner; j += 4) {
    let p = x + (<usize>j << 2);
    let acc = v128.load(p);
    let idx = i32x4.splat(0);
    let cur = idx;
    const wide = j + 16 <= inner;
    let acc1 = wide ? v128.load(p, 16) : acc, acc2 = wide ? v128.load(p, 32) : acc, acc3 = wide ? v128.load(p, 48) : acc;
    let idx1 = idx, idx2 = idx, idx3 = idx;
    const one = i32x4.splat(1);
    const fsum = isFloat<T>() && (op == SUM || op == MEAN);
    if (fsum) memory.fill(F64ACC, 0, 128);
    for (let r = 1; r < size; r++) {
      if (fsum && (r & 63) == 0) {
        flush(0, acc); acc = f32x4.splat(0);
        if (wide) { flush(1, acc1); flush(2, acc2); flush(3, acc3); acc1 = acc; acc2 = acc; acc3 = acc; }
      }
      p += ld;
      if (isArg) cur = i32x4.add(cur, one);
      const v = v128.load(p);
      if (op == SUM || op == MEAN) acc = v128.add<T>(acc, v);
      else if (!isArg) acc = ext<T>(isMax, acc, v);
      else { const m = better<T>(isMax, v, acc); acc = v128.bitselect(v, acc, m); idx = v128.bitselect(cur, idx, m); }
      if (wide) {
        const v1 = v128.load(p, 16), v2 = v128.load(p, 32), v3 = v128.load(p, 48);
        if (op == SUM || op == MEAN) { acc1 = v128.add<T>(acc1, v1); acc2 = v128.add<T>(acc2, v2); acc3 = v128.add<T>(acc3, v3); }
        else if (!isArg) { acc1 = ext<T>(isMax, acc1, v1); acc2 = ext<T>(isMax, acc2, v2); acc3 = ext<T>(isMax, acc3, v3); }
        else {
          const m1 = better<T>(isMax, v1, acc1); acc1 = v128.bitselect(v1, acc1, m1); idx1 = v128.bitselect(cur, idx1, m1);
          const m2 = better<T>(isMax, v2, acc2); acc2 = v128.bitselect(v2, acc2, m2); idx2 = v128.bitselect(cur, idx2, m2);
          const m3 = better<T>(isMax, v3, acc3); acc3 = v128.bitselect(v3, acc3, m3); idx3 = v128.bitselect(cur, idx3, m3);
        }
      }
    }
    if (fsum) {
      const div: f64 = op == MEAN ? <f64>size : 1.0;
      flush(0, acc); acc = drain(0, div);
      if (wide) { flush(1, acc1); flush(2, acc2); flush(3, acc3); acc1 = drain(1, div); acc2 = drain(2, div); acc3 = drain(3, div); }
    }
    const q = out + (<usize>j << outShift);
    v128.store(q, isArg ? idx : acc);
    if (wide) {
      v128.store(q, isArg ? idx1 : acc1, 16);
      v128.store(q, isArg ? idx2 : acc2, 32);
      v128.store(q, isArg ? idx3 : acc3, 48);
      j += 12;
    }
  }
  for (; j < inner; j++) {
    const p = x + (<usize>j << 2);
    let acc = load<T>(p);
    let total: f64 = <f64>acc;
    let bi = 0;
    for (let r = 1; r < size; r++) {
      const v = load<T>(p + <usize>r * ld);
      if (op == SUM || op == MEAN) { if (isFloat<T>()) total += <f64>v; else acc += v; }
      else if (!isArg) acc = isMax ? max<T>(acc, v) : min<T>(acc, v);
      else if (isFloat<T>() && v != v) { if (acc == acc) { acc = v; bi = r; } }
      else if (isMax ? v > acc : v < acc) { acc = v; bi = r; }
    }
    if (isFloat<T>() && (op == SUM || op == MEAN)) acc = <T>(op == MEAN ? total / <f64>size : total);
    if (isArg) store<i32>(out + (<usize>j << 2), bi);
    else store<T>(out + (<usize>j << 2), acc);
  }
}

// One function per op (see unary.ts for why they are not inlined into one switch).
function c0<T>(x: usize, out: usize, size: i32, inner: i32, ld: i32): void { colsT<T>(0, x, out, size, inner, ld); }
function c1<T>(x: usize, out: usize, size: i32, inner: i32, ld: i32): void { colsT<T>(1, x, out, size, inner, ld); }
function c2<T>(x: usize, out: usize, size: i32, inner: i32, ld: i32): void { colsT<T>(2, x, out, size, inner, ld); }
function c3<T>(x: usize, out: usize, size: i32, inner: i32, ld: i32): void { colsT<T>(3, x, out, size, inner, ld); }
function c4<T>(x: usize, out: usize, size: i32, inner: i32, ld: i32): void { colsT<T>(4, x, out, size, inner, ld); }
function c5<T>(x: usize, out: usize, size: i32, inner: i32, ld: i32): void { colsT<T>(5, x, out, size, inner, ld); }
function maxRow<T>(x: usize, n: i32): T { return extRow<T>(true, x, n); }
function minRow<T>(x: usize, n: i32): T { return extRow<T>(false, x, n); }
function argmaxRow<T>(x: usize, n: i32): i32 { return argRow<T>(true, x, n); }
function argminRow<T>(x: usize, n: i32): i32 { return argRow<T>(false, x, n); }

function cols<T>(op: i32, x: usize, out: usize, size: i32, inner: i32, ld: i32 = inner): void {
  switch (op) {
    case 0: c0<T>(x, out, size, inner, ld); break;
    case 1: c1<T>(x, out, size, inner, ld); break;
    case 2: c2<T>(x, out, size, inner, ld); break;
    case 3: c3<T>(x, out, size, inner, ld); break;
    case 4: c4<T>(x, out, size, inner, ld); break;
    default: c5<T>(x, out, size, inner, ld);
  }
}

@inline function rows<T>(op: i32, x: usize, out: usize, outer: i32, size: i32): void {
  for (let o = 0; o < outer; o++) {
    const p = x + (<usize>(o * size) << 2), q = out + (<usize>o << 2);
    if (op == SUM || op == MEAN) {
      if (isFloat<T>()) {
        const s = sumRowF32(p, size);
        store<f32>(q, <f32>(op == MEAN ? s / <f64>size : s));
      } else store<i32>(q, sumRowI32(p, size));
    } else if (op == MAX) store<T>(q, maxRow<T>(p, size));
    else if (op == MIN) store<T>(q, minRow<T>(p, size));
    else if (op == ARGMAX) store<i32>(q, argmaxRow<T>(p, size));
    else store<i32>(q, argminRow<T>(p, size));
  }
}

/** dtype: DTYPE_FLOAT32 or DTYPE_INT32 (mean is float-only and declined by the host for int32). */
export function reduce(dtype: i32, op: i32, x: usize, out: usize, outer: i32, size: i32, inner: i32): void {
  // the kernels below branch on op; this switch is where a new op of the table must be added
  switch (op) {
    case REDUCE_SUM: case REDUCE_MEAN: case REDUCE_MAX: case REDUCE_MIN: case REDUCE_ARGMAX: case REDUCE_ARGMIN: break;
    default: unreachable();
  }
  if (size == 0) return;
  if (inner == 1) {
    if (dtype == DTYPE_FLOAT32) rows<f32>(op, x, out, outer, size);
    else rows<i32>(op, x, out, outer, size);
    return;
  }
  const step = <usize>(size * inner) << 2;
  for (let o = 0; o < outer; o++) {
    const p = x + <usize>o * step, q = out + (<usize>(o * inner) << 2);
    if (dtype == DTYPE_FLOAT32) cols<f32>(op, p, q, size, inner);
    else cols<i32>(op, p, q, size, inner);
  }
}

/** Columns [j0, j1) of one [size, inner] slice (x and out at the slice): the threaded host splits
 *  a reduction over the leading axis by columns. With j0 and j1 multiples of 16 (or j1 = inner)
 *  every column takes the same strip, so the same arithmetic, as in reduce. */
export function reduceColumns(dtype: i32, op: i32, x: usize, out: usize, size: i32, inner: i32, j0: i32, j1: i32): void {
  if (size == 0 || j0 >= j1) return;
  const o = <usize>j0 << 2;
  if (dtype == DTYPE_FLOAT32) cols<f32>(op, x + o, out + o, size, j1 - j0, inner);
  else cols<i32>(op, x + o, out + o, size, j1 - j0, inner);
}
