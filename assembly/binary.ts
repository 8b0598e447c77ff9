// Elementwise binary ops with broadcasting. Op codes: assembly/codes.ts, generated from
// runtime/ops-table.ts (comparisons come last and write uint8 0/1); the build fails when
// a case below is missing.
// The innermost axis is one run whose operand strides are 1 (contiguous) or 0
// (broadcast scalar); those get SIMD loops, anything else a scalar strided loop.
import { walkStart, walkNext, dim, stride, off, toInt32 } from './strided';
import {
  BINARY_ADD, BINARY_SUB, BINARY_MUL, BINARY_DIV, BINARY_POW, BINARY_MAXIMUM, BINARY_MINIMUM, BINARY_EQUAL,
  BINARY_NOT_EQUAL, BINARY_LESS, BINARY_LESS_EQUAL, BINARY_GREATER, BINARY_GREATER_EQUAL,
  BINARY_FIRST_COMPARE as CMP, DTYPE_FLOAT32, DTYPE_INT32,
} from './codes';
import { TLS_BASE } from './scratch';

/** x^y in int32 arithmetic, wrapping as i32 multiplication does; y < 0 gives 0 (js/binary.ts ipow). */
function ipow(x: i32, y: i32): i32 {
  if (y < 0) return 0;
  let r = 1, e = <u32>y;
  while (e != 0) {
    if (e & 1) r *= x;
    x *= x;
    e >>= 1;
  }
  return r;
}

@inline function powLanes(a: v128, b: v128, isInt: bool): v128 {
  let r = a;
  for (let l = 0; l < 4; l++) {
    if (isInt) {
      const x = i32x4.extract_lane(a, 0), y = i32x4.extract_lane(b, 0);
      r = i32x4.replace_lane(r, 0, ipow(x, y));
    } else {
      r = f32x4.replace_lane(r, 0, <f32>Math.pow(<f64>f32x4.extract_lane(a, 0), <f64>f32x4.extract_lane(b, 0)));
    }
    // rotate the lanes so that lane 0 is always the next one
    a = i32x4.shuffle(a, a, 1, 2, 3, 0);
    b = i32x4.shuffle(b, b, 1, 2, 3, 0);
    r = i32x4.shuffle(r, r, 1, 2, 3, 0);
  }
  return r;
}

@inline function idivLane(x: i32, y: i32): i32 {
  // 0 for division by zero (the reference's choice); -1 avoids the INT_MIN/-1 trap
  return y == 0 ? 0 : y == -1 ? -x : x / y;
}

@inline function idiv(a: v128, b: v128): v128 {
  let r = a;
  r = i32x4.replace_lane(r, 0, idivLane(i32x4.extract_lane(a, 0), i32x4.extract_lane(b, 0)));
  r = i32x4.replace_lane(r, 1, idivLane(i32x4.extract_lane(a, 1), i32x4.extract_lane(b, 1)));
  r = i32x4.replace_lane(r, 2, idivLane(i32x4.extract_lane(a, 2), i32x4.extract_lane(b, 2)));
  r = i32x4.replace_lane(r, 3, idivLane(i32x4.extract_lane(a, 3), i32x4.extract_lane(b, 3)));
  return r;
}

/** One vector of op(a, b) for T = f32 or i32; comparisons return lane masks. */
@inline function bop<T>(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case BINARY_ADD: return v128.add<T>(a, b);
    case BINARY_SUB: return v128.sub<T>(a, b);
    case BINARY_MUL: return v128.mul<T>(a, b);
    case BINARY_DIV: return isFloat<T>() ? f32x4.div(a, b) : idiv(a, b);
    case BINARY_POW: return powLanes(a, b, !isFloat<T>());
    // wasm's f32x4.max/min propagate NaN, as the reference does
    case BINARY_MAXIMUM: return v128.max<T>(a, b);
    case BINARY_MINIMUM: return v128.min<T>(a, b);
    case BINARY_EQUAL: return v128.eq<T>(a, b);
    case BINARY_NOT_EQUAL: return v128.ne<T>(a, b);
    case BINARY_LESS: return v128.lt<T>(a, b);
    case BINARY_LESS_EQUAL: return v128.le<T>(a, b);
    case BINARY_GREATER: return v128.gt<T>(a, b);
    case BINARY_GREATER_EQUAL: return v128.ge<T>(a, b);
  }
  unreachable();
  return a;
}

// A broadcast scalar operand is expanded into one of these blocks and the row is done in
// block-sized chunks with that operand's pointer held still, so contiguous and
// broadcast runs share one loop (no per-mode copies for Binaryen to fold together).
const CHUNK = 256;
const SPLAT_A: usize = memory.data(CHUNK * 4, 16) + TLS_BASE;
const SPLAT_B: usize = memory.data(CHUNK * 4, 16) + TLS_BASE;

/** n contiguous elements of a and b (4-byte lanes) into out (4-byte, or 1-byte for comparisons). */
@inline function span<T>(op: i32, a: usize, b: usize, out: usize, n: i32): void {
  let i = 0;
  if (op >= CMP) {
    const one = i8x16.splat(1);
    for (; i + 16 <= n; i += 16) {
      const p = <usize>i << 2;
      const m0 = bop<T>(op, v128.load(a + p), v128.load(b + p));
      const m1 = bop<T>(op, v128.load(a + p, 16), v128.load(b + p, 16));
      const m2 = bop<T>(op, v128.load(a + p, 32), v128.load(b + p, 32));
      const m3 = bop<T>(op, v128.load(a + p, 48), v128.load(b + p, 48));
      const v = i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(m0, m1), i16x8.narrow_i32x4_s(m2, m3));
      v128.store(out + <usize>i, v128.and(v, one));
    }
    for (; i < n; i++) {
      const r = bop<T>(op, v128.splat<T>(load<T>(a + (<usize>i << 2))), v128.splat<T>(load<T>(b + (<usize>i << 2))));
      store<u8>(out + <usize>i, i32x4.extract_lane(r, 0) & 1);
    }
    return;
  }
  for (; i + 8 <= n; i += 8) {
    const p = <usize>i << 2;
    v128.store(out + p, bop<T>(op, v128.load(a + p), v128.load(b + p)));
    v128.store(out + p, bop<T>(op, v128.load(a + p, 16), v128.load(b + p, 16)), 16);
  }
  for (; i + 4 <= n; i += 4) {
    const p = <usize>i << 2;
    v128.store(out + p, bop<T>(op, v128.load(a + p), v128.load(b + p)));
  }
  for (; i < n; i++) {
    const p = <usize>i << 2;
    store<T>(out + p, v128.extract_lane<T>(bop<T>(op, v128.splat<T>(load<T>(a + p)), v128.splat<T>(load<T>(b + p))), 0));
  }
}

@inline function fillSplat<T>(dst: usize, src: usize): void {
  const v = v128.splat<T>(load<T>(src));
  for (let j = 0; j < CHUNK * 4; j += 16) v128.store(dst + <usize>j, v);
}

@inline function rowOp<T>(op: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void {
  const outShift: usize = op >= CMP ? 0 : 2;
  if (sa == 1 && sb == 1) { span<T>(op, a, b, out, n); return; }
  // x ** 2 with a broadcast exponent is common enough to skip the per-lane pow calls;
  // the f32 product is what the float64 reference rounds to as well
  if (isFloat<T>() && op == BINARY_POW && sa == 1 && sb == 0 && load<f32>(b) == 2.0) {
    let i = 0;
    for (; i + 4 <= n; i += 4) { const v = v128.load(a + (<usize>i << 2)); v128.store(out + (<usize>i << 2), f32x4.mul(v, v)); }
    for (; i < n; i++) { const v = load<f32>(a + (<usize>i << 2)); store<f32>(out + (<usize>i << 2), v * v); }
    return;
  }
  if ((sa == 0 || sa == 1) && (sb == 0 || sb == 1)) {
    if (sa == 0) { fillSplat<T>(SPLAT_A, a); a = SPLAT_A; }
    if (sb == 0) { fillSplat<T>(SPLAT_B, b); b = SPLAT_B; }
    const step = <usize>CHUNK << 2;
    const da: usize = sa ? step : 0, db: usize = sb ? step : 0;
    for (let i = 0; i < n; i += CHUNK) {
      span<T>(op, a, b, out + (<usize>i << outShift), min(CHUNK, n - i));
      a += da; b += db;
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const r = bop<T>(op, v128.splat<T>(load<T>(a + (<usize>(i * sa) << 2))), v128.splat<T>(load<T>(b + (<usize>(i * sb) << 2))));
    if (op >= CMP) store<u8>(out + <usize>i, i32x4.extract_lane(r, 0) & 1);
    else store<T>(out + (<usize>i << 2), v128.extract_lane<T>(r, 0));
  }
}

// One function per op and type (see unary.ts for why they are not inlined into the switch).
function r_add<T>(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowOp<T>(BINARY_ADD, a, sa, b, sb, out, n); }
function r_sub<T>(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowOp<T>(BINARY_SUB, a, sa, b, sb, out, n); }
function r_mul<T>(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowOp<T>(BINARY_MUL, a, sa, b, sb, out, n); }
function r_div<T>(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowOp<T>(BINARY_DIV, a, sa, b, sb, out, n); }
function r_pow<T>(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowOp<T>(BINARY_POW, a, sa, b, sb, out, n); }
function r_maximum<T>(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowOp<T>(BINARY_MAXIMUM, a, sa, b, sb, out, n); }
function r_minimum<T>(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowOp<T>(BINARY_MINIMUM, a, sa, b, sb, out, n); }
function r_equal<T>(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowOp<T>(BINARY_EQUAL, a, sa, b, sb, out, n); }
function r_notEqual<T>(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowOp<T>(BINARY_NOT_EQUAL, a, sa, b, sb, out, n); }
function r_less<T>(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowOp<T>(BINARY_LESS, a, sa, b, sb, out, n); }
function r_lessEqual<T>(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowOp<T>(BINARY_LESS_EQUAL, a, sa, b, sb, out, n); }
function r_greater<T>(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowOp<T>(BINARY_GREATER, a, sa, b, sb, out, n); }
function r_greaterEqual<T>(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowOp<T>(BINARY_GREATER_EQUAL, a, sa, b, sb, out, n); }

function row<T>(op: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void {
  switch (op) {
    case BINARY_ADD: r_add<T>(a, sa, b, sb, out, n); break;
    case BINARY_SUB: r_sub<T>(a, sa, b, sb, out, n); break;
    case BINARY_MUL: r_mul<T>(a, sa, b, sb, out, n); break;
    case BINARY_DIV: r_div<T>(a, sa, b, sb, out, n); break;
    case BINARY_POW: r_pow<T>(a, sa, b, sb, out, n); break;
    case BINARY_MAXIMUM: r_maximum<T>(a, sa, b, sb, out, n); break;
    case BINARY_MINIMUM: r_minimum<T>(a, sa, b, sb, out, n); break;
    case BINARY_EQUAL: r_equal<T>(a, sa, b, sb, out, n); break;
    case BINARY_NOT_EQUAL: r_notEqual<T>(a, sa, b, sb, out, n); break;
    case BINARY_LESS: r_less<T>(a, sa, b, sb, out, n); break;
    case BINARY_LESS_EQUAL: r_lessEqual<T>(a, sa, b, sb, out, n); break;
    case BINARY_GREATER: r_greater<T>(a, sa, b, sb, out, n); break;
    case BINARY_GREATER_EQUAL: r_greaterEqual<T>(a, sa, b, sb, out, n); break;
    default: unreachable();
  }
}

// uint8: add/sub wrap mod 256 like the reference's store into a Uint8Array.
@inline function u8Scalar(op: i32, x: i32, y: i32): i32 {
  switch (op) {
    case BINARY_ADD: return (x + y) & 255;
    case BINARY_SUB: return (x - y) & 255;
    case BINARY_MUL: return (x * y) & 255;
    case BINARY_DIV: return y == 0 ? 0 : x / y;
    case BINARY_POW: return ipow(x, y) & 255;
    case BINARY_MAXIMUM: return max(x, y);
    case BINARY_MINIMUM: return min(x, y);
    case BINARY_EQUAL: return <i32>(x == y);
    case BINARY_NOT_EQUAL: return <i32>(x != y);
    case BINARY_LESS: return <i32>(x < y);
    case BINARY_LESS_EQUAL: return <i32>(x <= y);
    case BINARY_GREATER: return <i32>(x > y);
    case BINARY_GREATER_EQUAL: return <i32>(x >= y);
  }
  unreachable();
  return 0;
}

/** The uint8 ops with a lane form; u8HasVec says which (the rest go through u8Scalar). */
@inline function u8Vec(op: i32, a: v128, b: v128): v128 {
  const one = i8x16.splat(1);
  if (op == BINARY_ADD) return i8x16.add(a, b);
  if (op == BINARY_SUB) return i8x16.sub(a, b);
  if (op == BINARY_MAXIMUM) return i8x16.max_u(a, b);
  if (op == BINARY_MINIMUM) return i8x16.min_u(a, b);
  if (op == BINARY_EQUAL) return v128.and(i8x16.eq(a, b), one);
  if (op == BINARY_NOT_EQUAL) return v128.and(i8x16.ne(a, b), one);
  if (op == BINARY_LESS) return v128.and(i8x16.lt_u(a, b), one);
  if (op == BINARY_LESS_EQUAL) return v128.and(i8x16.le_u(a, b), one);
  if (op == BINARY_GREATER) return v128.and(i8x16.gt_u(a, b), one);
  return v128.and(i8x16.ge_u(a, b), one);
}

@inline function u8HasVec(op: i32): bool {
  return op != BINARY_MUL && op != BINARY_DIV && op != BINARY_POW;
}

@inline function rowU8Op(op: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void {
  let i = 0;
  if (sa == 1 && sb == 1 && u8HasVec(op)) {
    for (; i + 16 <= n; i += 16) v128.store(out + <usize>i, u8Vec(op, v128.load(a + <usize>i), v128.load(b + <usize>i)));
  }
  for (; i < n; i++) store<u8>(out + <usize>i, u8Scalar(op, load<u8>(a + <usize>(i * sa)), load<u8>(b + <usize>(i * sb))));
}

function u_add(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowU8Op(BINARY_ADD, a, sa, b, sb, out, n); }
function u_sub(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowU8Op(BINARY_SUB, a, sa, b, sb, out, n); }
function u_mul(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowU8Op(BINARY_MUL, a, sa, b, sb, out, n); }
function u_div(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowU8Op(BINARY_DIV, a, sa, b, sb, out, n); }
function u_pow(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowU8Op(BINARY_POW, a, sa, b, sb, out, n); }
function u_maximum(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowU8Op(BINARY_MAXIMUM, a, sa, b, sb, out, n); }
function u_minimum(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowU8Op(BINARY_MINIMUM, a, sa, b, sb, out, n); }
function u_equal(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowU8Op(BINARY_EQUAL, a, sa, b, sb, out, n); }
function u_notEqual(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowU8Op(BINARY_NOT_EQUAL, a, sa, b, sb, out, n); }
function u_less(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowU8Op(BINARY_LESS, a, sa, b, sb, out, n); }
function u_lessEqual(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowU8Op(BINARY_LESS_EQUAL, a, sa, b, sb, out, n); }
function u_greater(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowU8Op(BINARY_GREATER, a, sa, b, sb, out, n); }
function u_greaterEqual(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowU8Op(BINARY_GREATER_EQUAL, a, sa, b, sb, out, n); }

function rowU8(op: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void {
  switch (op) {
    case BINARY_ADD: u_add(a, sa, b, sb, out, n); break;
    case BINARY_SUB: u_sub(a, sa, b, sb, out, n); break;
    case BINARY_MUL: u_mul(a, sa, b, sb, out, n); break;
    case BINARY_DIV: u_div(a, sa, b, sb, out, n); break;
    case BINARY_POW: u_pow(a, sa, b, sb, out, n); break;
    case BINARY_MAXIMUM: u_maximum(a, sa, b, sb, out, n); break;
    case BINARY_MINIMUM: u_minimum(a, sa, b, sb, out, n); break;
    case BINARY_EQUAL: u_equal(a, sa, b, sb, out, n); break;
    case BINARY_NOT_EQUAL: u_notEqual(a, sa, b, sb, out, n); break;
    case BINARY_LESS: u_less(a, sa, b, sb, out, n); break;
    case BINARY_LESS_EQUAL: u_lessEqual(a, sa, b, sb, out, n); break;
    case BINARY_GREATER: u_greater(a, sa, b, sb, out, n); break;
    case BINARY_GREATER_EQUAL: u_greaterEqual(a, sa, b, sb, out, n); break;
    default: unreachable();
  }
}

/** dtype: a DTYPE_ code. a and b already include their element offsets. */
export function binary(dtype: i32, op: i32, a: usize, b: usize, out: usize, meta: usize, rank: i32): void {
  const n = dim(meta, rank - 1);
  const sa = stride(meta, rank, 0, rank - 1), sb = stride(meta, rank, 1, rank - 1);
  const isU8 = dtype != DTYPE_FLOAT32 && dtype != DTYPE_INT32;
  const shift: usize = isU8 ? 0 : 2;
  const outShift: usize = isU8 || op >= CMP ? 0 : 2;
  const rows = walkStart(meta, rank);
  for (let r = 0; r < rows; r++) {
    const pa = a + (<usize>off(0) << shift), pb = b + (<usize>off(1) << shift);
    const po = out + (<usize>(r * n) << outShift);
    if (dtype == DTYPE_FLOAT32) row<f32>(op, pa, sa, pb, sb, po, n);
    else if (dtype == DTYPE_INT32) row<i32>(op, pa, sa, pb, sb, po, n);
    else rowU8(op, pa, sa, pb, sb, po, n);
    walkNext(meta, rank, 2);
  }
}
