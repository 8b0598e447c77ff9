import { EdgegradError } from '../../errors.js';
import type { ReduceParams } from '../../types.js';
import { reduce as src } from './shaders.generated.js';
import type { Launcher } from './launcher.js';
import type { GpuHandle } from './storage.js';
import { shader, wgslType, type Scalar } from './wgsl.js';

/** How an accumulator of type A becomes an output of type O (the out handle's dtype:
 *  uint8 outputs are masked so uint8 storage always holds 0..255). */
function convert(a: Scalar, o: Scalar, e: string): string {
  if (a === o) return o === 'u32' ? `(${e}) & 255u` : e;
  if (o === 'f32') return `f32(${e})`;
  if (o === 'u32') return `u32(${e}) & 255u`;
  return `i32(${e})`; // u32 -> i32
}

function finish(op: ReduceParams['op'], a: Scalar, o: Scalar): string {
  if (op === 'argmax' || op === 'argmin') return `return ${convert('u32', o, 'select(a.i, 0u, a.i == NONE)')};`;
  if (a === 'f32') {
    if (op === 'mean') return `if (n == 0u) { return nan_f32(); }\n  return a.v / f32(n);`;
    return `return a.v;`;
  }
  // Integer input: an empty axis gives 0 (the reference's ±Infinity/NaN stored to an int
  // array); mean divides exactly, truncating like the reference's store into an int array,
  // or in float when the output is float32.
  if (op === 'mean') {
    if (o === 'f32') return `if (n == 0u) { return nan_f32(); }\n  return f32(a.v) / f32(n);`;
    return `if (n == 0u) { return ${o}(0); }\n  return ${convert(a, o, `a.v / ${a}(n)`)};`;
  }
  return `if (n == 0u) { return ${o}(0); }\n  return ${convert(a, o, 'a.v')};`;
}

/** Above this axis length (or when outputs are too few to fill the GPU) a whole workgroup
 *  reduces each output; below it one invocation loops. */
const GROUP_MIN_SIZE = 128;

export function reduce(L: Launcher, x: GpuHandle, out: GpuHandle, p: ReduceParams): void {
  const t = wgslType(p.dtype);
  if (t === 'f32' && out.dtype !== 'float32' && p.op !== 'argmax' && p.op !== 'argmin') {
    throw new EdgegradError('webgpu', `reduce: ${p.op} of float32 into ${out.dtype} storage; cast the result instead`);
  }
  const a: Scalar = t;
  const o = wgslType(out.dtype);
  const outputs = p.outer * p.inner;
  const group = p.size >= GROUP_MIN_SIZE && (p.inner === 1 || outputs < 4096);
  const kernel = group ? 'group' : 'loop';
  const key = `reduce:${kernel}:${p.op}:${t}:${o}`;
  const lowest = a === 'f32' ? '-inf_f32()' : a === 'i32' ? 'i32(-2147483647 - 1)' : '0u';
  const highest = a === 'f32' ? 'inf_f32()' : a === 'i32' ? '2147483647' : '0xffffffffu';
  const source = () => shader(src[kernel], {
    T: t, A: a, O: o, OP: p.op === 'mean' ? 'sum' : p.op,
    ISNAN: a === 'f32' ? 'is_nan(v)' : 'false', LOWEST: lowest, HIGHEST: highest, FINISH: finish(p.op, a, o),
  });
  L.launch(key, source, [x, out], [p.outer, p.size, p.inner], group ? outputs : Math.ceil(outputs / 64));
}
