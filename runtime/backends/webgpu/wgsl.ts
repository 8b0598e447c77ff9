// Shader text assembly: the common prelude plus a kernel from shaders/*.wgsl with its
// {{NAME}} placeholders filled. This is text templating only; nothing is evaluated in JS.
import { EdgegradError } from '../../errors.js';
import type { DType } from '../../types.js';
import { common } from './shaders.generated.js';

export type Scalar = 'f32' | 'i32' | 'u32';

/** The WGSL type a dtype is stored as (uint8 widened to u32). */
export const wgslType = (d: DType): Scalar => (d === 'float32' ? 'f32' : d === 'int32' ? 'i32' : 'u32');

export function shader(kernel: string, vars: Record<string, string | number> = {}): string {
  const body = kernel.replace(/\{\{(\w+)\}\}/g, (m, name: string) => {
    const v = vars[name];
    if (v === undefined) throw new EdgegradError('webgpu', `webgpu: shader placeholder ${m} has no value`);
    return String(v);
  });
  // per-element, per-row and per-output-dot kernels get their shared entry points (shaders/common.wgsl)
  const entry = /\bfn elementwise\(/.test(body) ? common.elementwise : /\bfn rowwise\(/.test(body) ? common.rowwise : /\bfn w_at\(/.test(body) ? common.rowdot : '';
  return common.prelude + body + entry;
}
