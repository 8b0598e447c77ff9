import type { BinaryOp, BinaryParams } from '../../types.js';
import { binary as src } from './shaders.generated.js';
import type { Launcher } from './launcher.js';
import type { GpuHandle } from './storage.js';
import { shader, wgslType, type Scalar } from './wgsl.js';

/** Max rank of the strided kernels (binary, copy, where): the uniform slot holds 8 dims. */
export const MAX_RANK = 8;

const compare: Partial<Record<BinaryOp, string>> = {
  equal: '==', notEqual: '!=', less: '<', lessEqual: '<=', greater: '>', greaterEqual: '>=',
};

function body(op: BinaryOp, t: Scalar): string {
  const cmp = compare[op];
  if (cmp) {
    // A NaN operand makes every comparison false except notEqual.
    if (t === 'f32') return `if (is_nan(a) || is_nan(b)) { return ${op === 'notEqual' ? '1u' : '0u'}; }\n  return select(0u, 1u, a ${cmp} b);`;
    return `return select(0u, 1u, a ${cmp} b);`;
  }
  if (t === 'f32') {
    switch (op) {
      case 'add': return 'return a + b;';
      case 'sub': return 'return a - b;';
      case 'mul': return 'return a * b;';
      case 'div': return 'return a / b;';
      case 'pow': return 'return pow_f32(a, b);';
      // Same operand order as the reference (a > b ? a : b), which decides the sign of a
      // ±0 tie.
      case 'maximum': return 'if (is_nan(a) || is_nan(b)) { return nan_f32(); }\n  return select(b, a, a > b);';
      case 'minimum': return 'if (is_nan(a) || is_nan(b)) { return nan_f32(); }\n  return select(b, a, a < b);';
    }
  }
  // Integers wrap (i32 natively; uint8 is kept in 0..255 by masking); division truncates and
  // x / 0 is 0 as in the reference.
  const wrap = t === 'u32' ? (e: string) => `return (${e}) & 255u;` : (e: string) => `return ${e};`;
  switch (op) {
    case 'add': return wrap('a + b');
    case 'sub': return wrap('a - b');
    case 'mul': return wrap('a * b');
    case 'div': return `if (b == ${t}(0)) { return ${t}(0); }\n  return a / b;`;
    case 'pow': return wrap('pow_int(a, b)');
    case 'maximum': return 'return max(a, b);';
    case 'minimum': return 'return min(a, b);';
  }
  throw new Error(`webgpu binary: unknown op '${op}'`);
}

export function binary(L: Launcher, a: GpuHandle, b: GpuHandle, out: GpuHandle, p: BinaryParams): void {
  const rank = p.outShape.length;
  if (rank > MAX_RANK) throw new Error(`webgpu binary: rank ${rank} > ${MAX_RANK}; collapse dims first`);
  const t = wgslType(p.dtype);
  const o = compare[p.op] ? 'u32' : t;
  const key = `binary:${p.op}:${t}`;
  const words = new Array<number>(32).fill(0);
  words[0] = p.size; words[1] = rank; words[2] = p.aOffset; words[3] = p.bOffset;
  for (let d = 0; d < rank; d++) {
    words[8 + d] = p.outShape[d]; words[16 + d] = p.aStrides[d]; words[24 + d] = p.bStrides[d];
  }
  L.launch(key, () => shader(src.binary, { T: t, O: o, BODY: body(p.op, t) }), [a, b, out], words, Math.ceil(p.size / 64));
}
