import type { DecodeAttentionParams } from '../../types.js';
import { attention as src } from './shaders.generated.js';
import { f32bits, type Launcher } from './launcher.js';
import type { GpuHandle } from './storage.js';
import { shader } from './wgsl.js';

/** Longest head one workgroup holds (shaders/attention.wgsl's MAXD); longer ones are declined. */
export const ATTENTION_MAX_HEAD_DIM = 512;

export function decodeAttention(L: Launcher, q: GpuHandle, k: GpuHandle, v: GpuHandle, out: GpuHandle, p: DecodeAttentionParams): void {
  if (p.heads * p.headDim === 0) return;
  L.launch('decodeAttention', () => shader(src.attention), [q, k, v, out],
    [p.heads, p.kvHeads, p.headDim, p.length, p.rowStride, f32bits(p.scale)], p.heads);
}
