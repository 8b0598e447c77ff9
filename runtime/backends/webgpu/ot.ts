// Host side of the Sinkhorn half-step (shaders/ot.wgsl): a workgroup per row for the
// row soft-minima, an invocation per column for the column ones.
import type { OtLseParams } from '../../types.js';
import { ot as src } from './shaders.generated.js';
import { f32bits, type Launcher } from './launcher.js';
import type { GpuHandle } from './storage.js';
import { shader } from './wgsl.js';

export function otLse(L: Launcher, c: GpuHandle, h: GpuHandle, out: GpuHandle, p: OtLseParams): void {
  const params = [p.batch, p.n, p.m, p.cBatchStride, f32bits(p.reg), f32bits(1 / p.reg)];
  if (p.axis === 1) {
    if (p.batch * p.n === 0) return;
    const wg = p.m <= 512 ? 64 : 256;
    L.launch(`ot:rows:${wg}`, () => shader(src.rows, { WG: wg }), [c, h, out], params, p.batch * p.n);
  } else {
    if (p.batch * p.m === 0) return;
    L.launch('ot:cols', () => shader(src.cols), [c, h, out], params, Math.ceil((p.batch * p.m) / 64));
  }
}
