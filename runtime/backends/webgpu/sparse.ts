import type { GatherParams, SpmmParams } from '../../types.js';
import { sparse as src } from './shaders.generated.js';
import type { Launcher } from './launcher.js';
import type { GpuHandle } from './storage.js';
import { shader } from './wgsl.js';

export function spmm(L: Launcher, indptr: GpuHandle, indices: GpuHandle, values: GpuHandle, x: GpuHandle, out: GpuHandle, p: SpmmParams): void {
  const total = p.m * p.k;
  L.launch('spmm', () => shader(src.spmm), [indptr, indices, values, x, out], [total, p.k], Math.ceil(total / 64));
}

export function scatterAdd(L: Launcher, x: GpuHandle, idx: GpuHandle, out: GpuHandle, p: GatherParams): void {
  const total = p.outer * p.nIdx * p.inner;
  L.launch('scatterAdd', () => shader(src.scatterAdd), [x, idx, out], [total, p.axisSize, p.inner, p.nIdx], Math.ceil(total / 64));
}
