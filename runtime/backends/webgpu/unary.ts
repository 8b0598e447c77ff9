import type { IntUnaryOp, UnaryOp, UnaryParams } from '../../types.js';
import { isIntUnary } from '../../ops-table.js';
import { EdgegradError } from '../../errors.js';
import { unary as src } from './shaders.generated.js';
import type { Launcher } from './launcher.js';
import type { GpuHandle } from './storage.js';
import { shader, wgslType } from './wgsl.js';

// Every float op maps NaN to NaN, so the body starts with that test (see floatBody).
const floatOps: Record<UnaryOp, string> = {
  neg: 'return -x;',
  abs: 'return abs(x);',
  sign: 'if (x > 0.0) { return 1.0; }\n  if (x < 0.0) { return -1.0; }\n  return x;',
  exp: 'if (is_inf(x)) { return select(0.0, x, x > 0.0); }\n  return exp(x);',
  log: 'return log_f32(x);',
  sqrt: 'return sqrt_f32(x);',
  rsqrt: 'return recip_f32(sqrt_f32(x));',
  tanh: 'return tanh_f32(x);',
  sigmoid: 'return sigmoid_f32(x);',
  relu: 'return select(0.0, x, x > 0.0);',
  gelu: 'return gelu_f32(x);',
  sin: 'return sincos_quadrant(x, 0);',
  cos: 'return sincos_quadrant(x, 1);',
  square: 'return x * x;',
  reciprocal: 'return recip_f32(x);',
  step: 'return select(0.0, 1.0, x > 0.0);',
};
const floatBody = (op: UnaryOp) => `if (is_nan(x)) { return x; }\n  ${floatOps[op]}`;

// The int32 ops of the table; uint8 results wrap into 0..255 like a Uint8Array store.
const intOps: Record<IntUnaryOp, { i32: string; u32: string }> = {
  neg: { i32: 'return -x;', u32: 'return (0u - x) & 255u;' },
  abs: { i32: 'return abs(x);', u32: 'return x;' },
  sign: { i32: 'return sign(x);', u32: 'return min(x, 1u);' },
  square: { i32: 'return x * x;', u32: 'return (x * x) & 255u;' },
};
function intBody(op: UnaryOp, t: 'i32' | 'u32'): string {
  if (!isIntUnary(op)) throw new EdgegradError(op, `the webgpu unary kernel has no ${t} form (float32 only)`, 'Cast the input to float32');
  return intOps[op][t];
}

export function unary(L: Launcher, x: GpuHandle, out: GpuHandle, p: UnaryParams): void {
  const t = wgslType(p.dtype);
  const key = `unary:${p.op}:${t}`;
  L.launch(key, () => shader(src.unary, { T: t, BODY: t === 'f32' ? floatBody(p.op) : intBody(p.op, t) }), [x, out], [p.size], Math.ceil(p.size / 64));
}
