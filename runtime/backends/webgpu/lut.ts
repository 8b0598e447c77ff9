import type { LutParams } from '../../types.js';
import { lut as src } from './shaders.generated.js';
import type { Launcher } from './launcher.js';
import type { GpuHandle } from './storage.js';
import { shader } from './wgsl.js';

/** Decode (x null): one invocation per weight; matmul: one workgroup per output. */
export function lut(L: Launcher, x: GpuHandle | null, codes: GpuHandle, tables: GpuHandle, ids: GpuHandle, scales: GpuHandle, out: GpuHandle, p: LutParams): void {
  const { m, n, k, bits, seg } = p;
  if (!x) {
    if (n * k) L.launch('lut.decode', () => shader(src.decode), [codes, tables, ids, scales, out], [n * k, n, k, bits, seg], Math.ceil((n * k) / 64));
    return;
  }
  if (m * n) L.launch('lut.matmul', () => shader(src.matmul), [codes, tables, ids, scales, out, x], [m, n, k, bits, seg], m * n);
}
