import { EdgegradError } from '../../errors.js';
import type { ArithOp, BinaryOp, BinaryParams, CompareOp } from '../../types.js';
import { isCompare } from '../../ops-table.js';
import { binary as src } from './shaders.generated.js';
import type { Launcher } from './launcher.js';
import type { GpuHandle } from './storage.js';
import { shader, wgslType, type Scalar } from './wgsl.js';
import { stridedWords } from './copy.js';


const compare: Record<CompareOp, string> = {
  equal: '==', notEqual: '!=', less: '<', lessEqual: '<=', greater: '>', greaterEqual: '>=',
};

const floatOps: Record<ArithOp, string> = {
  add: 'return a + b;',
  sub: 'return a - b;',
  mul: 'return a * b;',
  div: 'return a / b;',
  pow: 'return pow_f32(a, b);',
  // Same operand order as the reference (a > b ? a : b), which decides the sign of a ±0 tie.
  maximum: 'if (is_nan(a) || is_nan(b)) { return nan_f32(); }\n  return select(b, a, a > b);',
  minimum: 'if (is_nan(a) || is_nan(b)) { return nan_f32(); }\n  return select(b, a, a < b);',
};

// Integers wrap (i32 natively; uint8 is kept in 0..255 by masking); division truncates and
// x / 0 is 0 as in the reference.
const intOps: Record<ArithOp, (t: Scalar, wrap: (e: string) => string) => string> = {
  add: (_, wrap) => wrap('a + b'),
  sub: (_, wrap) => wrap('a - b'),
  mul: (_, wrap) => wrap('a * b'),
  div: (t) => `if (b == ${t}(0)) { return ${t}(0); }\n  return a / b;`,
  pow: (_, wrap) => wrap('pow_int(a, b)'),
  maximum: () => 'return max(a, b);',
  minimum: () => 'return min(a, b);',
};

function body(op: BinaryOp, t: Scalar): string {
  if (isCompare(op)) {
    const cmp = compare[op];
    // A NaN operand makes every comparison false except notEqual.
    if (t === 'f32') return `if (is_nan(a) || is_nan(b)) { return ${op === 'notEqual' ? '1u' : '0u'}; }\n  return select(0u, 1u, a ${cmp} b);`;
    return `return select(0u, 1u, a ${cmp} b);`;
  }
  if (t === 'f32') return floatOps[op];
  return intOps[op](t, t === 'u32' ? (e) => `return (${e}) & 255u;` : (e) => `return ${e};`);
}

export function binary(L: Launcher, a: GpuHandle, b: GpuHandle, out: GpuHandle, p: BinaryParams): void {
  const t = wgslType(p.dtype);
  const o = isCompare(p.op) ? 'u32' : t;
  const words = new Array<number>(32).fill(0);
  words[0] = p.size; words[2] = p.aOffset; words[3] = p.bOffset;
  stridedWords('binary', words, p.outShape, [p.aStrides, p.bStrides]);
  L.launch(`binary:${p.op}:${t}`, () => shader(src.binary, { T: t, O: o, BODY: body(p.op, t) }), [a, b, out], words, Math.ceil(p.size / 64));
}
