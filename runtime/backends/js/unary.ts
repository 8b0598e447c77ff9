import type { UnaryOp, UnaryParams, TypedArray } from '../../types.js';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
// gelu is the tanh approximation (jax.nn.gelu's default, GPT-2's form) on every backend.
export const unaryFns: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x, abs: Math.abs, sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x), exp: Math.exp, log: Math.log,
  sqrt: Math.sqrt, rsqrt: (x) => 1 / Math.sqrt(x), tanh: Math.tanh,
  sigmoid: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  relu: (x) => (x > 0 ? x : x !== x ? x : 0),
  gelu: (x) => 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x))),
  sin: Math.sin, cos: Math.cos, square: (x) => x * x, reciprocal: (x) => 1 / x,
  step: (x) => (x > 0 ? 1 : x !== x ? x : 0),
};

export function unary(x: TypedArray, out: TypedArray, p: UnaryParams): void {
  const f = unaryFns[p.op];
  if (p.dtype === 'int32' && p.op === 'square') {
    for (let i = 0; i < p.size; i++) out[i] = Math.imul(x[i], x[i]);
    return;
  }
  for (let i = 0; i < p.size; i++) out[i] = f(x[i]);
}
