import type { FwhtParams } from '../../types.js';
import { fwht as src } from './shaders.generated.js';
import { f32bits, type Launcher } from './launcher.js';
import type { GpuHandle } from './storage.js';
import { shader } from './wgsl.js';

/** Largest segment one workgroup holds (shaders/fwht.wgsl's MAX_BLOCK); longer ones are declined. */
export const FWHT_MAX_BLOCK = 4096;

export function fwht(L: Launcher, x: GpuHandle, out: GpuHandle, p: FwhtParams): void {
  if (p.segments * p.block === 0) return;
  L.launch('fwht', () => shader(src.fwht), [x, out], [p.segments, p.block, f32bits(1 / Math.sqrt(p.block))], p.segments);
}
