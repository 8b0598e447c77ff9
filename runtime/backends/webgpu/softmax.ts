import type { NormParams, RowParams, SoftmaxParams } from '../../types.js';
import { softmax as src } from './shaders.generated.js';
import type { Launcher } from './launcher.js';
import type { GpuHandle } from './storage.js';
import { shader } from './wgsl.js';
import { f32bits } from './launcher.js';

// Short rows get 64 invocations so most of a workgroup is not idle; long rows get 256.
const wgFor = (cols: number) => (cols <= 512 ? 64 : 256);

function rowLaunch(L: Launcher, kernel: 'softmax' | 'logsumexp' | 'layernorm' | 'rmsnorm', rows: number, cols: number,
                   bindings: (GpuHandle | GPUBuffer)[], extra: number[]): void {
  if (rows === 0) return;
  const wg = wgFor(cols);
  L.launch(`${kernel}:${wg}`, () => shader(src[kernel], { WG: wg }), bindings, [rows, cols, ...extra], rows);
}

export function softmax(L: Launcher, x: GpuHandle, out: GpuHandle, p: SoftmaxParams): void {
  rowLaunch(L, 'softmax', p.rows, p.cols, [x, out], [+p.log]);
}

export function logSumExp(L: Launcher, x: GpuHandle, out: GpuHandle, p: RowParams): void {
  rowLaunch(L, 'logsumexp', p.rows, p.cols, [x, out], []);
}

/** `dummy` stands in for an absent gamma/beta: a binding must name some buffer. */
export function layerNorm(L: Launcher, x: GpuHandle, g: GpuHandle | null, b: GpuHandle | null, out: GpuHandle, p: NormParams, dummy: GPUBuffer): void {
  rowLaunch(L, 'layernorm', p.rows, p.cols, [x, g ?? dummy, b ?? dummy, out], [f32bits(p.eps), +!!g, +!!b]);
}

export function rmsNorm(L: Launcher, x: GpuHandle, g: GpuHandle | null, out: GpuHandle, p: NormParams, dummy: GPUBuffer): void {
  rowLaunch(L, 'rmsnorm', p.rows, p.cols, [x, g ?? dummy, out], [f32bits(p.eps), +!!g]);
}
