import type { UnaryOp, UnaryParams } from '../../types.js';
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

/** The integer ops the contract lists; uint8 results wrap into 0..255 like a Uint8Array store. */
export const intUnaryOps: ReadonlySet<UnaryOp> = new Set(['neg', 'abs', 'sign', 'square']);
function intBody(op: UnaryOp, t: 'i32' | 'u32'): string {
  if (t === 'u32') {
    switch (op) {
      case 'neg': return 'return (0u - x) & 255u;';
      case 'abs': return 'return x;';
      case 'sign': return 'return min(x, 1u);';
      case 'square': return 'return (x * x) & 255u;';
    }
  } else {
    switch (op) {
      case 'neg': return 'return -x;';
      case 'abs': return 'return abs(x);';
      case 'sign': return 'return sign(x);';
      case 'square': return 'return x * x;';
    }
  }
  throw new Error(`webgpu unary: '${op}' is float32 only`);
}

export function unary(L: Launcher, x: GpuHandle, out: GpuHandle, p: UnaryParams): void {
  const t = wgslType(p.dtype);
  const key = `unary:${p.op}:${t}`;
  L.launch(key, () => shader(src.unary, { T: t, BODY: t === 'f32' ? floatBody(p.op) : intBody(p.op, t) }), [x, out], [p.size], Math.ceil(p.size / 64));
}
