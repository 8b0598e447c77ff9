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

/** mode 0: both contiguous; 1: b is a broadcast scalar; 2: a is. */
@inline function ld<T>(p: usize, i: i32, bcast: bool, s: v128): v128 {
  return bcast ? s : v128.load(p + (<usize>i << 2));
}

@inline function loop4<T>(op: i32, mode: i32, a: usize, b: usize, out: usize, n: i32): void {
  const sa = v128.splat<T>(load<T>(a)), sb = v128.splat<T>(load<T>(b));
  const ba = mode == 2, bb = mode == 1;
  let i = 0;
  if (op >= CMP) {
    const one = i8x16.splat(1);
    for (; i + 16 <= n; i += 16) {
      const m0 = bop<T>(op, ld<T>(a, i, ba, sa), ld<T>(b, i, bb, sb));
      const m1 = bop<T>(op, ld<T>(a, i + 4, ba, sa), ld<T>(b, i + 4, bb, sb));
      const m2 = bop<T>(op, ld<T>(a, i + 8, ba, sa), ld<T>(b, i + 8, bb, sb));
      const m3 = bop<T>(op, ld<T>(a, i + 12, ba, sa), ld<T>(b, i + 12, bb, sb));
      const v = i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(m0, m1), i16x8.narrow_i32x4_s(m2, m3));
      v128.store(out + <usize>i, v128.and(v, one));
    }
    for (; i < n; i++) {
      const x = ba ? sa : v128.splat<T>(load<T>(a + (<usize>i << 2)));
      const y = bb ? sb : v128.splat<T>(load<T>(b + (<usize>i << 2)));
      store<u8>(out + <usize>i, i32x4.extract_lane(bop<T>(op, x, y), 0) & 1);
    }
    return;
  }
  for (; i + 8 <= n; i += 8) {
    v128.store(out + (<usize>i << 2), bop<T>(op, ld<T>(a, i, ba, sa), ld<T>(b, i, bb, sb)));
    v128.store(out + (<usize>i << 2), bop<T>(op, ld<T>(a, i + 4, ba, sa), ld<T>(b, i + 4, bb, sb)), 16);
  }
  for (; i + 4 <= n; i += 4) {
    v128.store(out + (<usize>i << 2), bop<T>(op, ld<T>(a, i, ba, sa), ld<T>(b, i, bb, sb)));
  }
  for (; i < n; i++) {
    const x = ba ? sa : v128.splat<T>(load<T>(a + (<usize>i << 2)));
    const y = bb ? sb : v128.splat<T>(load<T>(b + (<usize>i << 2)));
    store<T>(out + (<usize>i << 2), v128.extract_lane<T>(bop<T>(op, x, y), 0));
  }
}

@inline function loopStrided<T>(op: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void {
  const cmp = op >= CMP;
  for (let i = 0; i < n; i++) {
    const r = bop<T>(op, v128.splat<T>(load<T>(a + (<usize>(i * sa) << 2))), v128.splat<T>(load<T>(b + (<usize>(i * sb) << 2))));
    if (cmp) store<u8>(out + <usize>i, i32x4.extract_lane(r, 0) & 1);
    else store<T>(out + (<usize>i << 2), v128.extract_lane<T>(r, 0));
  }
}

@inline function rowOp<T>(op: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void {
  if (sa == 1 && sb == 1) loop4<T>(op, 0, a, b, out, n);
  else if (sa == 1 && sb == 0) loop4<T>(op, 1, a, b, out, n);
  else if (sa == 0 && sb == 1) loop4<T>(op, 2, a, b, out, n);
  else loopStrided<T>(op, a, sa, b, sb, out, n);
}

function row<T>(op: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void {
  switch (op) {
    case 0: rowOp<T>(0, a, sa, b, sb, out, n); break;
    case 1: rowOp<T>(1, a, sa, b, sb, out, n); break;
    case 2: rowOp<T>(2, a, sa, b, sb, out, n); break;
    case 3: rowOp<T>(3, a, sa, b, sb, out, n); break;
    case 4: rowOp<T>(4, a, sa, b, sb, out, n); break;
    case 5: rowOp<T>(5, a, sa, b, sb, out, n); break;
    case 6: rowOp<T>(6, a, sa, b, sb, out, n); break;
    case 7: rowOp<T>(7, a, sa, b, sb, out, n); break;
    case 8: rowOp<T>(8, a, sa, b, sb, out, n); break;
    case 9: rowOp<T>(9, a, sa, b, sb, out, n); break;
    case 10: rowOp<T>(10, a, sa, b, sb, out, n); break;
    case 11: rowOp<T>(11, a, sa, b, sb, out, n); break;
    default: rowOp<T>(12, a, sa, b, sb, out, n);
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

function rowU8(op: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void {
  switch (op) {
    case 0: rowU8Op(0, a, sa, b, sb, out, n); break;
    case 1: rowU8Op(1, a, sa, b, sb, out, n); break;
    case 2: rowU8Op(2, a, sa, b, sb, out, n); break;
    case 3: rowU8Op(3, a, sa, b, sb, out, n); break;
    case 4: rowU8Op(4, a, sa, b, sb, out, n); break;
    case 5: rowU8Op(5, a, sa, b, sb, out, n); break;
    case 6: rowU8Op(6, a, sa, b, sb, out, n); break;
    case 7: rowU8Op(7, a, sa, b, sb, out, n); break;
    case 8: rowU8Op(8, a, sa, b, sb, out, n); break;
    case 9: rowU8Op(9, a, sa, b, sb, out, n); break;
    case 10: rowU8Op(10, a, sa, b, sb, out, n); break;
    case 11: rowU8Op(11, a, sa, b, sb, out, n); break;
    default: rowU8Op(12, a, sa, b, sb, out, n);
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
