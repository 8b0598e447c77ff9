// Elementwise unary ops over contiguous storage. Op codes follow the order of UnaryOp
// in runtime/types.ts (see runtime/backends/wasm/codes.ts).
import { vexp, vlog, vtanh, vsigmoid, vgelu, vsincos, fsplat, isplat } from './vmath';

// The last < 4 elements go through this block so that every element sees the same
// vector code (no separate scalar formulas to keep in step).
const TAIL: usize = memory.data(16, 16);

@inline function opF32(op: i32, x: v128): v128 {
  if (op == 0) return f32x4.neg(x);
  if (op == 1) return f32x4.abs(x);
  if (op == 2) { // sign: ±1, and 0/-0/NaN map to themselves
    const one = fsplat(1.0);
    const nz = v128.or(f32x4.gt(x, fsplat(0.0)), f32x4.lt(x, fsplat(0.0)));
    return v128.bitselect(v128.or(one, v128.and(x, isplat(0x80000000))), x, nz);
  }
  if (op == 3) return vexp(x);
  if (op == 4) return vlog(x);
  if (op == 5) return f32x4.sqrt(x);
  if (op == 6) return f32x4.div(fsplat(1.0), f32x4.sqrt(x));
  if (op == 7) return vtanh(x);
  if (op == 8) return vsigmoid(x);
  if (op == 9) return v128.and(x, v128.or(f32x4.gt(x, fsplat(0.0)), f32x4.ne(x, x)));
  if (op == 10) return vgelu(x);
  if (op == 11) return vsincos(x, false);
  if (op == 12) return vsincos(x, true);
  if (op == 13) return f32x4.mul(x, x);
  if (op == 14) return f32x4.div(fsplat(1.0), x);
  // step: 1 for x > 0, NaN stays NaN, else 0
  return v128.or(v128.and(fsplat(1.0), f32x4.gt(x, fsplat(0.0))), v128.and(x, f32x4.ne(x, x)));
}

@inline function opI32(op: i32, x: v128): v128 {
  if (op == 0) return i32x4.neg(x);
  if (op == 1) return i32x4.abs(x);
  if (op == 2) return v128.or(i32x4.shr_s(x, 31), i32x4.shr_u(i32x4.neg(x), 31)); // -1/0/1
  return i32x4.mul(x, x); // square
}

@inline function run(op: i32, isInt: bool, x: usize, out: usize, n: i32): void {
  let i = 0;
  const n4 = n & ~3;
  // two vectors per trip for the cheap ops keeps the loop overhead down
  for (; i + 8 <= n4; i += 8) {
    const p = <usize>i << 2;
    const a = v128.load(x + p), b = v128.load(x + p, 16);
    v128.store(out + p, isInt ? opI32(op, a) : opF32(op, a));
    v128.store(out + p, isInt ? opI32(op, b) : opF32(op, b), 16);
  }
  for (; i < n4; i += 4) {
    const p = <usize>i << 2;
    v128.store(out + p, isInt ? opI32(op, v128.load(x + p)) : opF32(op, v128.load(x + p)));
  }
  if (i < n) {
    const rest = <usize>(n - i) << 2;
    memory.copy(TAIL, x + (<usize>i << 2), rest);
    v128.store(TAIL, isInt ? opI32(op, v128.load(TAIL)) : opF32(op, v128.load(TAIL)));
    memory.copy(out + (<usize>i << 2), TAIL, rest);
  }
}

// One function per op: if the op-specialised loops were inlined side by side into one
// switch, Binaryen folds them back into a single loop that tests the op per vector.
function f0(x: usize, out: usize, n: i32): void { run(0, false, x, out, n); }
function f1(x: usize, out: usize, n: i32): void { run(1, false, x, out, n); }
function f2(x: usize, out: usize, n: i32): void { run(2, false, x, out, n); }
function f3(x: usize, out: usize, n: i32): void { run(3, false, x, out, n); }
function f4(x: usize, out: usize, n: i32): void { run(4, false, x, out, n); }
function f5(x: usize, out: usize, n: i32): void { run(5, false, x, out, n); }
function f6(x: usize, out: usize, n: i32): void { run(6, false, x, out, n); }
function f7(x: usize, out: usize, n: i32): void { run(7, false, x, out, n); }
function f8(x: usize, out: usize, n: i32): void { run(8, false, x, out, n); }
function f9(x: usize, out: usize, n: i32): void { run(9, false, x, out, n); }
function f10(x: usize, out: usize, n: i32): void { run(10, false, x, out, n); }
function f11(x: usize, out: usize, n: i32): void { run(11, false, x, out, n); }
function f12(x: usize, out: usize, n: i32): void { run(12, false, x, out, n); }
function f13(x: usize, out: usize, n: i32): void { run(13, false, x, out, n); }
function f14(x: usize, out: usize, n: i32): void { run(14, false, x, out, n); }
function f15(x: usize, out: usize, n: i32): void { run(15, false, x, out, n); }
function i0(x: usize, out: usize, n: i32): void { run(0, true, x, out, n); }
function i1(x: usize, out: usize, n: i32): void { run(1, true, x, out, n); }
function i2(x: usize, out: usize, n: i32): void { run(2, true, x, out, n); }
function i13(x: usize, out: usize, n: i32): void { run(13, true, x, out, n); }

export function unaryF32(op: i32, x: usize, out: usize, n: i32): void {
  switch (op) {
    case 0: f0(x, out, n); break;
    case 1: f1(x, out, n); break;
    case 2: f2(x, out, n); break;
    case 3: f3(x, out, n); break;
    case 4: f4(x, out, n); break;
    case 5: f5(x, out, n); break;
    case 6: f6(x, out, n); break;
    case 7: f7(x, out, n); break;
    case 8: f8(x, out, n); break;
    case 9: f9(x, out, n); break;
    case 10: f10(x, out, n); break;
    case 11: f11(x, out, n); break;
    case 12: f12(x, out, n); break;
    case 13: f13(x, out, n); break;
    case 14: f14(x, out, n); break;
    default: f15(x, out, n);
  }
}

/** int32: neg, abs, sign, square (codes 0, 1, 2, 13). */
export function unaryI32(op: i32, x: usize, out: usize, n: i32): void {
  switch (op) {
    case 0: i0(x, out, n); break;
    case 1: i1(x, out, n); break;
    case 2: i2(x, out, n); break;
    default: i13(x, out, n);
  }
}
