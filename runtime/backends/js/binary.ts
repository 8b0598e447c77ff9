import type { BinaryParams, BinaryOp, TypedArray } from '../../types.js';
import { walk } from './strided.js';

type F = (a: number, b: number) => number;

/** a^b in int32 arithmetic (wraps mod 2^32 like mul; NumPy's int32 power does the same); b < 0 gives 0. */
export function ipow(a: number, b: number): number {
  if (b < 0) return 0;
  let r = 1, base = a | 0;
  for (let e = b >>> 0; e !== 0; e >>>= 1) {
    if (e & 1) r = Math.imul(r, base);
    base = Math.imul(base, base);
  }
  return r;
}
const floatOps: Record<BinaryOp, F> = {
  add: (a, b) => a + b, sub: (a, b) => a - b, mul: (a, b) => a * b, div: (a, b) => a / b,
  pow: (a, b) => Math.pow(a, b),
  // NaN propagates, as IEEE maximum/minimum and NumPy do.
  maximum: (a, b) => (a !== a || b !== b ? NaN : a > b ? a : b),
  minimum: (a, b) => (a !== a || b !== b ? NaN : a < b ? a : b),
  equal: (a, b) => +(a === b), notEqual: (a, b) => +(a !== b), less: (a, b) => +(a < b),
  lessEqual: (a, b) => +(a <= b), greater: (a, b) => +(a > b), greaterEqual: (a, b) => +(a >= b),
};
const intOps: Partial<Record<BinaryOp, F>> = {
  add: (a, b) => (a + b) | 0, sub: (a, b) => (a - b) | 0, mul: (a, b) => Math.imul(a, b),
  div: (a, b) => (b === 0 ? 0 : (a / b) | 0), pow: ipow,
};
export function binaryOpFn(op: BinaryOp, integer: boolean): F {
  return (integer && intOps[op]) || floatOps[op];
}

export function binary(a: TypedArray, b: TypedArray, out: TypedArray, p: BinaryParams): void {
  const f = binaryOpFn(p.op, p.dtype !== 'float32');
  walk(p.outShape, [p.aStrides, p.bStrides], [p.aOffset, p.bOffset], (i, o) => {
    out[i] = f(a[o[0]], b[o[1]]);
  });
}
