import type { QMatmulParams } from '../../types.js';
import { rowBytes } from '../../ggml.js';
import { qmatmul as src } from './shaders.generated.js';
import type { Launcher } from './launcher.js';
import type { GpuHandle } from './storage.js';
import { shader } from './wgsl.js';

/** One workgroup per output element; the block decoder is the kernel named after the type. */
export function qmatmul(L: Launcher, x: GpuHandle, w: GpuHandle, out: GpuHandle, p: QMatmulParams): void {
  const { m, n, k, type } = p;
  if (m * n === 0) return;
  L.launch(`qmatmul.${type}`, () => shader(src[type]), [x, w, out], [m, n, k, rowBytes(type, k)], m * n);
}
