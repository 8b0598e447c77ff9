import type { RopeParams } from '../../types.js';
import { rope as src } from './shaders.generated.js';
import type { Launcher } from './launcher.js';
import type { GpuHandle } from './storage.js';
import { shader } from './wgsl.js';

export function rope(L: Launcher, x: GpuHandle, cs: GpuHandle, out: GpuHandle, p: RopeParams): void {
  const size = p.tokens * p.heads * p.headDim;
  if (size === 0) return;
  L.launch('rope', () => shader(src.rope), [x, cs, out], [size, p.heads, p.headDim, p.dims, +p.neox], Math.ceil(size / 64));
}
