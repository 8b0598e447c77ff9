// Gather along one axis on 32-bit words (every dtype).
import type { GatherParams } from '../../types.js';
import { gather as src } from './shaders.generated.js';
import type { Launcher } from './launcher.js';
import type { GpuHandle } from './storage.js';
import { shader } from './wgsl.js';

export function gather(L: Launcher, x: GpuHandle, idx: GpuHandle, out: GpuHandle, p: GatherParams): void {
  const total = p.outer * p.nIdx * p.inner;
  L.launch('gather', () => shader(src.gather), [x, idx, out], [total, p.axisSize, p.inner, p.nIdx], Math.ceil(total / 64));
}
