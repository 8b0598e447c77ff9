// Elementwise binary ops with broadcasting. Op codes follow BinaryOp's order in
// runtime/types.ts: add sub mul div pow maximum minimum equal notEqual less lessEqual
// greater greaterEqual (7..12 are comparisons and write uint8 0/1).
// The innermost axis is one run whose operand strides are 1 (contiguous) or 0
// (broadcast scalar); those get SIMD loops, anything else a scalar strided loop.
import { walkStart, walkNext, dim, stride, off, toInt32 } from './strided';

const CMP = 7;

@inline function powLanes(a: v128, b: v128, isInt: bool): v128 {
  let r = a;
  for (let l = 0; l < 4; l++) {
    if (isInt) {
      const x = i32x4.extract_lane(a, 0), y = i32x4.extract_lane(b, 0);
      r = i32x4.replace_lane(r, 0, y < 0 ? 0 : toInt32(Math.pow(<f64>x, <f64>y)));
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
  if (op == 0) return v128.add<T>(a, b);
  if (op == 1) return v128.sub<T>(a, b);
  if (op == 2) return v128.mul<T>(a, b);
  if (op == 3) return isFloat<T>() ? f32x4.div(a, b) : idiv(a, b);
  if (op == 4) return powLanes(a, b, !isFloat<T>());
  // wasm's f32x4.max/min propagate NaN, as the reference does
  if (op == 5) return v128.max<T>(a, b);
  if (op == 6) return v128.min<T>(a, b);
  if (op == 7) return v128.eq<T>(a, b);
  if (op == 8) return v128.ne<T>(a, b);
  if (op == 9) return v128.lt<T>(a, b);
  if (op == 10) return v128.le<T>(a, b);
  if (op == 11) return v128.gt<T>(a, b);
  return v128.ge<T>(a, b);
}

// A broadcast scalar operand is expanded into one of these blocks and the row is done in
// block-sized chunks with that operand's pointer held still, so contiguous and
// broadcast runs share one loop (no per-mode copies for Binaryen to fold together).
const CHUNK = 256;
const SPLAT_A: usize = memory.data(CHUNK * 4, 16);
const SPLAT_B: usize = memory.data(CHUNK * 4, 16);

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
  if (isFloat<T>() && op == 4 && sa == 1 && sb == 0 && load<f32>(b) == 2.0) {
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
function r0<T>(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowOp<T>(0, a, sa, b, sb, out, n); }
function r1<T>(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowOp<T>(1, a, sa, b, sb, out, n); }
function r2<T>(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowOp<T>(2, a, sa, b, sb, out, n); }
function r3<T>(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowOp<T>(3, a, sa, b, sb, out, n); }
function r4<T>(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowOp<T>(4, a, sa, b, sb, out, n); }
function r5<T>(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowOp<T>(5, a, sa, b, sb, out, n); }
function r6<T>(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowOp<T>(6, a, sa, b, sb, out, n); }
function r7<T>(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowOp<T>(7, a, sa, b, sb, out, n); }
function r8<T>(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowOp<T>(8, a, sa, b, sb, out, n); }
function r9<T>(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowOp<T>(9, a, sa, b, sb, out, n); }
function r10<T>(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowOp<T>(10, a, sa, b, sb, out, n); }
function r11<T>(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowOp<T>(11, a, sa, b, sb, out, n); }
function r12<T>(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowOp<T>(12, a, sa, b, sb, out, n); }

function row<T>(op: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void {
  switch (op) {
    case 0: r0<T>(a, sa, b, sb, out, n); break;
    case 1: r1<T>(a, sa, b, sb, out, n); break;
    case 2: r2<T>(a, sa, b, sb, out, n); break;
    case 3: r3<T>(a, sa, b, sb, out, n); break;
    case 4: r4<T>(a, sa, b, sb, out, n); break;
    case 5: r5<T>(a, sa, b, sb, out, n); break;
    case 6: r6<T>(a, sa, b, sb, out, n); break;
    case 7: r7<T>(a, sa, b, sb, out, n); break;
    case 8: r8<T>(a, sa, b, sb, out, n); break;
    case 9: r9<T>(a, sa, b, sb, out, n); break;
    case 10: r10<T>(a, sa, b, sb, out, n); break;
    case 11: r11<T>(a, sa, b, sb, out, n); break;
    default: r12<T>(a, sa, b, sb, out, n);
  }
}

// uint8: add/sub wrap mod 256 like the reference's store into a Uint8Array.
@inline function u8Scalar(op: i32, x: i32, y: i32): i32 {
  if (op == 0) return (x + y) & 255;
  if (op == 1) return (x - y) & 255;
  if (op == 2) return (x * y) & 255;
  if (op == 3) return y == 0 ? 0 : x / y;
  if (op == 4) return toInt32(Math.pow(<f64>x, <f64>y)) & 255;
  if (op == 5) return max(x, y);
  if (op == 6) return min(x, y);
  if (op == 7) return <i32>(x == y);
  if (op == 8) return <i32>(x != y);
  if (op == 9) return <i32>(x < y);
  if (op == 10) return <i32>(x <= y);
  if (op == 11) return <i32>(x > y);
  return <i32>(x >= y);
}

@inline function u8Vec(op: i32, a: v128, b: v128): v128 {
  if (op == 0) return i8x16.add(a, b);
  if (op == 1) return i8x16.sub(a, b);
  if (op == 5) return i8x16.max_u(a, b);
  if (op == 6) return i8x16.min_u(a, b);
  const one = i8x16.splat(1);
  if (op == 7) return v128.and(i8x16.eq(a, b), one);
  if (op == 8) return v128.and(i8x16.ne(a, b), one);
  if (op == 9) return v128.and(i8x16.lt_u(a, b), one);
  if (op == 10) return v128.and(i8x16.le_u(a, b), one);
  if (op == 11) return v128.and(i8x16.gt_u(a, b), one);
  return v128.and(i8x16.ge_u(a, b), one);
}

@inline function rowU8Op(op: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void {
  let i = 0;
  if (sa == 1 && sb == 1 && op != 2 && op != 3 && op != 4) {
    for (; i + 16 <= n; i += 16) v128.store(out + <usize>i, u8Vec(op, v128.load(a + <usize>i), v128.load(b + <usize>i)));
  }
  for (; i < n; i++) store<u8>(out + <usize>i, u8Scalar(op, load<u8>(a + <usize>(i * sa)), load<u8>(b + <usize>(i * sb))));
}

function ub0(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowU8Op(0, a, sa, b, sb, out, n); }
function ub1(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowU8Op(1, a, sa, b, sb, out, n); }
function ub2(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowU8Op(2, a, sa, b, sb, out, n); }
function ub3(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowU8Op(3, a, sa, b, sb, out, n); }
function ub4(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowU8Op(4, a, sa, b, sb, out, n); }
function ub5(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowU8Op(5, a, sa, b, sb, out, n); }
function ub6(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowU8Op(6, a, sa, b, sb, out, n); }
function ub7(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowU8Op(7, a, sa, b, sb, out, n); }
function ub8(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowU8Op(8, a, sa, b, sb, out, n); }
function ub9(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowU8Op(9, a, sa, b, sb, out, n); }
function ub10(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowU8Op(10, a, sa, b, sb, out, n); }
function ub11(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowU8Op(11, a, sa, b, sb, out, n); }
function ub12(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void { rowU8Op(12, a, sa, b, sb, out, n); }

function rowU8(op: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void {
  switch (op) {
    case 0: ub0(a, sa, b, sb, out, n); break;
    case 1: ub1(a, sa, b, sb, out, n); break;
    case 2: ub2(a, sa, b, sb, out, n); break;
    case 3: ub3(a, sa, b, sb, out, n); break;
    case 4: ub4(a, sa, b, sb, out, n); break;
    case 5: ub5(a, sa, b, sb, out, n); break;
    case 6: ub6(a, sa, b, sb, out, n); break;
    case 7: ub7(a, sa, b, sb, out, n); break;
    case 8: ub8(a, sa, b, sb, out, n); break;
    case 9: ub9(a, sa, b, sb, out, n); break;
    case 10: ub10(a, sa, b, sb, out, n); break;
    case 11: ub11(a, sa, b, sb, out, n); break;
    default: ub12(a, sa, b, sb, out, n);
  }
}

/** dtype: 0 float32, 1 int32, 2 uint8. a and b already include their element offsets. */
export function binary(dtype: i32, op: i32, a: usize, b: usize, out: usize, meta: usize, rank: i32): void {
  const n = dim(meta, rank - 1);
  const sa = stride(meta, rank, 0, rank - 1), sb = stride(meta, rank, 1, rank - 1);
  const shift: usize = dtype == 2 ? 0 : 2;
  const outShift: usize = dtype == 2 || op >= CMP ? 0 : 2;
  const rows = walkStart(meta, rank);
  for (let r = 0; r < rows; r++) {
    const pa = a + (<usize>off(0) << shift), pb = b + (<usize>off(1) << shift);
    const po = out + (<usize>(r * n) << outShift);
    if (dtype == 0) row<f32>(op, pa, sa, pb, sb, po, n);
    else if (dtype == 1) row<i32>(op, pa, sa, pb, sb, po, n);
    else rowU8(op, pa, sa, pb, sb, po, n);
    walkNext(meta, rank, 2);
  }
}
