import { EdgegradError } from '../../errors.js';
import type { MatmulParams } from '../../types.js';
import { matmul as src } from './shaders.generated.js';
import type { Launcher } from './launcher.js';
import type { GpuHandle } from './storage.js';
import { shader } from './wgsl.js';

const TILE = 64;

export function matmul(L: Launcher, a: GpuHandle, b: GpuHandle, out: GpuHandle, p: MatmulParams, maxPerDim: number): void {
  const { batch, m, n, k } = p;
  if (batch === 0 || m === 0 || n === 0) return;
  const gx = Math.ceil(n / TILE), gy = Math.ceil(m / TILE);
  if (gx > maxPerDim || gy > maxPerDim) throw new EdgegradError('webgpu', `matmul: ${m}x${n} output needs more than ${maxPerDim} tiles per side`);
  // The batch rides on workgroup z; past the per-dimension limit it is split over launches,
  // each starting at its first batch index.
  for (let b0 = 0; b0 < batch; b0 += maxPerDim) {
    const nb = Math.min(maxPerDim, batch - b0);
    L.launch('matmul', () => shader(src.matmul), [a, b, out],
      [m, n, k, +p.transA, +p.transB, p.aBatchStride, p.bBatchStride, b0], [gx, gy, nb]);
  }
}
