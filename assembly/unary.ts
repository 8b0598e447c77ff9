// Elementwise unary ops over contiguous storage. Op codes: assembly/codes.ts, generated
// from runtime/ops-table.ts; the build fails when a case below is missing.
import { vexp, vlog, vtanh, vsigmoid, vgelu, vsincos, fsplat, isplat } from './vmath';
import {
  UNARY_NEG, UNARY_ABS, UNARY_SIGN, UNARY_EXP, UNARY_LOG, UNARY_SQRT, UNARY_RSQRT, UNARY_TANH, UNARY_SIGMOID,
  UNARY_RELU, UNARY_GELU, UNARY_SIN, UNARY_COS, UNARY_SQUARE, UNARY_RECIPROCAL, UNARY_STEP,
} from './codes';
import { TLS_BASE } from './scratch';

// The last < 4 elements go through this block so that every element sees the same
// vector code (no separate scalar formulas to keep in step).
const TAIL: usize = memory.data(16, 16) + TLS_BASE;

@inline function opF32(op: i32, x: v128): v128 {
  switch (op) {
    case UNARY_NEG: return f32x4.neg(x);
    case UNARY_ABS: return f32x4.abs(x);
    case UNARY_SIGN: { // ±1, and 0/-0/NaN map to themselves
      const nz = v128.or(f32x4.gt(x, fsplat(0.0)), f32x4.lt(x, fsplat(0.0)));
      return v128.bitselect(v128.or(fsplat(1.0), v128.and(x, isplat(0x80000000))), x, nz);
    }
    case UNARY_EXP: return vexp(x);
    case UNARY_LOG: return vlog(x);
    case UNARY_SQRT: return f32x4.sqrt(x);
    case UNARY_RSQRT: return f32x4.div(fsplat(1.0), f32x4.sqrt(x));
    case UNARY_TANH: return vtanh(x);
    case UNARY_SIGMOID: return vsigmoid(x);
    case UNARY_RELU: return v128.and(x, v128.or(f32x4.gt(x, fsplat(0.0)), f32x4.ne(x, x)));
    case UNARY_GELU: return vgelu(x);
    case UNARY_SIN: return vsincos(x, false);
    case UNARY_COS: return vsincos(x, true);
    case UNARY_SQUARE: return f32x4.mul(x, x);
    case UNARY_RECIPROCAL: return f32x4.div(fsplat(1.0), x);
    // 1 for x > 0, NaN stays NaN, else 0
    case UNARY_STEP: return v128.or(v128.and(fsplat(1.0), f32x4.gt(x, fsplat(0.0))), v128.and(x, f32x4.ne(x, x)));
  }
  unreachable();
  return x;
}

@inline function opI32(op: i32, x: v128): v128 {
  switch (op) {
    case UNARY_NEG: return i32x4.neg(x);
    case UNARY_ABS: return i32x4.abs(x);
    case UNARY_SIGN: return v128.or(i32x4.shr_s(x, 31), i32x4.shr_u(i32x4.neg(x), 31)); // -1/0/1
    case UNARY_SQUARE: return i32x4.mul(x, x);
  }
  unreachable();
  return x;
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
function f_neg(x: usize, out: usize, n: i32): void { run(UNARY_NEG, false, x, out, n); }
function f_abs(x: usize, out: usize, n: i32): void { run(UNARY_ABS, false, x, out, n); }
function f_sign(x: usize, out: usize, n: i32): void { run(UNARY_SIGN, false, x, out, n); }
function f_exp(x: usize, out: usize, n: i32): void { run(UNARY_EXP, false, x, out, n); }
function f_log(x: usize, out: usize, n: i32): void { run(UNARY_LOG, false, x, out, n); }
function f_sqrt(x: usize, out: usize, n: i32): void { run(UNARY_SQRT, false, x, out, n); }
function f_rsqrt(x: usize, out: usize, n: i32): void { run(UNARY_RSQRT, false, x, out, n); }
function f_tanh(x: usize, out: usize, n: i32): void { run(UNARY_TANH, false, x, out, n); }
function f_sigmoid(x: usize, out: usize, n: i32): void { run(UNARY_SIGMOID, false, x, out, n); }
function f_relu(x: usize, out: usize, n: i32): void { run(UNARY_RELU, false, x, out, n); }
function f_gelu(x: usize, out: usize, n: i32): void { run(UNARY_GELU, false, x, out, n); }
function f_sin(x: usize, out: usize, n: i32): void { run(UNARY_SIN, false, x, out, n); }
function f_cos(x: usize, out: usize, n: i32): void { run(UNARY_COS, false, x, out, n); }
function f_square(x: usize, out: usize, n: i32): void { run(UNARY_SQUARE, false, x, out, n); }
function f_reciprocal(x: usize, out: usize, n: i32): void { run(UNARY_RECIPROCAL, false, x, out, n); }
function f_step(x: usize, out: usize, n: i32): void { run(UNARY_STEP, false, x, out, n); }
function i_neg(x: usize, out: usize, n: i32): void { run(UNARY_NEG, true, x, out, n); }
function i_abs(x: usize, out: usize, n: i32): void { run(UNARY_ABS, true, x, out, n); }
function i_sign(x: usize, out: usize, n: i32): void { run(UNARY_SIGN, true, x, out, n); }
function i_square(x: usize, out: usize, n: i32): void { run(UNARY_SQUARE, true, x, out, n); }

export function unaryF32(op: i32, x: usize, out: usize, n: i32): void {
  switch (op) {
    case UNARY_NEG: f_neg(x, out, n); break;
    case UNARY_ABS: f_abs(x, out, n); break;
    case UNARY_SIGN: f_sign(x, out, n); break;
    case UNARY_EXP: f_exp(x, out, n); break;
    case UNARY_LOG: f_log(x, out, n); break;
    case UNARY_SQRT: f_sqrt(x, out, n); break;
    case UNARY_RSQRT: f_rsqrt(x, out, n); break;
    case UNARY_TANH: f_tanh(x, out, n); break;
    case UNARY_SIGMOID: f_sigmoid(x, out, n); break;
    case UNARY_RELU: f_relu(x, out, n); break;
    case UNARY_GELU: f_gelu(x, out, n); break;
    case UNARY_SIN: f_sin(x, out, n); break;
    case UNARY_COS: f_cos(x, out, n); break;
    case UNARY_SQUARE: f_square(x, out, n); break;
    case UNARY_RECIPROCAL: f_reciprocal(x, out, n); break;
    case UNARY_STEP: f_step(x, out, n); break;
    default: unreachable();
  }
}

/** The int32 ops (UNARY_OPS entries with int: true). */
export function unaryI32(op: i32, x: usize, out: usize, n: i32): void {
  switch (op) {
    case UNARY_NEG: i_neg(x, out, n); break;
    case UNARY_ABS: i_abs(x, out, n); break;
    case UNARY_SIGN: i_sign(x, out, n); break;
    case UNARY_SQUARE: i_square(x, out, n); break;
    default: unreachable();
  }
}
