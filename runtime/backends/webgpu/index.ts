// The webgpu backend: WGSL kernels on a device from whatever GPU object the runtime found
// (navigator.gpu, or the `webgpu` npm package in Node). No platform globals are touched.
import { EdgegradError } from '../../errors.js';
import type { Backend, BinaryParams, CopyParams, DType, KernelName, Kernels, SupportsFn, TypedArray, UnaryOp, WhereParams } from '../../types.js';
import { makeTyped } from '../../types.js';
import { openDevice, limitsRecord, type AdapterInfo, type DeviceOptions, type OpenedAdapter } from './device.js';
import { MAP_READ, Usage } from './gpu-constants.js';
import { Launcher } from './launcher.js';
import { BufferPool, GpuHandle, STAGING_USAGE, STORAGE_USAGE } from './storage.js';
import { binary } from './binary.js';
import { unary } from './unary.js';
import { isIntUnary } from '../../ops-table.js';
import { reduce } from './reduce.js';
import { matmul } from './matmul.js';
import { copy, stridedLayout } from './copy.js';
import { gather } from './gather.js';
import { where } from './where.js';
import { cast } from './cast.js';
import { softmax, logSumExp, layerNorm, rmsNorm } from './softmax.js';
import { fwht, FWHT_MAX_BLOCK } from './fwht.js';
import { rope } from './rope.js';
import { decodeAttention, ATTENTION_MAX_HEAD_DIM } from './attention.js';
import { webgpuOptimStep } from './optim.js';
import { spmm, scatterAdd } from './sparse.js';
import { otLse } from './ot.js';
import { qmatmul } from './qmatmul.js';
import { lut } from './lut.js';

export { GpuHandle } from './storage.js';
export { openAdapter, GPU_REQUEST_TIMEOUT_MS, type AdapterInfo, type DeviceOptions, type OpenedAdapter } from './device.js';

export interface WebGPUBackend {
  backend: Backend<GpuHandle>;
  adapter: AdapterInfo;
  limits: Record<string, number>;
}

/** Pooled bytes kept for reuse beyond which freed buffers are destroyed. */
const MAX_POOLED_BYTES = 256 * 1024 * 1024;

/** A backend on an adapter from openAdapter() (init() looks at the adapter before asking for a device). */
export async function createWebGPUBackend(opened: OpenedAdapter, opts?: DeviceOptions): Promise<WebGPUBackend> {
  const device = await openDevice(opened, opts);
  const info = opened.info;
  const limits = limitsRecord(device.limits);
  const maxPerDim = limits.maxComputeWorkgroupsPerDimension;
  const maxBinding = limits.maxStorageBufferBindingSize;
  const maxBuffer = Math.min(limits.maxBufferSize, maxBinding);

  // Errors raised outside any error scope (a failed dispatch, a lost device) arrive
  // asynchronously; they are kept and thrown from the next read() or sync().
  const errors: string[] = [];
  let lost: string | null = null;
  let disposed = false;
  const report = (msg: string) => { if (errors.length < 16) errors.push(msg); };
  device.addEventListener('uncapturederror', (ev) => report((ev as GPUUncapturedErrorEvent).error.message));
  device.lost.then((l) => { if (!disposed) lost = `device lost (${l.reason}): ${l.message}`; }, () => {});
  const throwIfFailed = (what: string) => {
    if (lost) throw new EdgegradError('webgpu', `${what}: ${lost}`);
    if (errors.length) {
      const msg = errors.splice(0).join('; ');
      throw new EdgegradError('webgpu', `${what}: an earlier GPU command failed: ${msg}`);
    }
  };
  const live = (what: string) => {
    if (disposed) throw new EdgegradError('webgpu', `${what}: the backend was disposed`);
    if (lost) throw new EdgegradError('webgpu', `${what}: ${lost}`);
  };

  const L = new Launcher(device, maxPerDim, maxBinding, report);
  const pool = new BufferPool(device, STORAGE_USAGE, 'edgegrad', MAX_POOLED_BYTES);
  const staging = new BufferPool(device, STAGING_USAGE, 'edgegrad:staging', MAX_POOLED_BYTES / 4);
  const dummy = device.createBuffer({ size: 16, usage: Usage.STORAGE, label: 'edgegrad:absent' });
  let bytesLive = 0;

  const kernels: Kernels<GpuHandle> = {
    binary: (a, b, out, p) => binary(L, a, b, out, p),
    unary: (x, out, p) => unary(L, x, out, p),
    reduce: (x, out, p) => reduce(L, x, out, p),
    matmul: (a, b, out, p) => matmul(L, a, b, out, p, maxPerDim),
    copy: (x, out, p) => copy(L, x, out, p),
    gather: (x, idx, out, p) => gather(L, x, idx, out, p),
    where: (c, a, b, out, p) => where(L, c, a, b, out, p),
    softmax: (x, out, p) => softmax(L, x, out, p),
    logSumExp: (x, out, p) => logSumExp(L, x, out, p),
    layerNorm: (x, g, b, out, p) => layerNorm(L, x, g, b, out, p, dummy),
    rmsNorm: (x, g, out, p) => rmsNorm(L, x, g, out, p, dummy),
    cast: (x, out, p) => cast(L, x, out, p),
    optimStep: webgpuOptimStep(L),
    spmm: (ip, ix, v, x, out, p) => spmm(L, ip, ix, v, x, out, p),
    scatterAdd: (x, idx, out, p) => scatterAdd(L, x, idx, out, p),
    otLse: (c, h, out, p) => otLse(L, c, h, out, p),
    qmatmul: (x, w, out, p) => qmatmul(L, x, w, out, p),
    fwht: (x, out, p) => fwht(L, x, out, p),
    lut: (x, c, t, i, s, out, p) => lut(L, x, c, t, i, s, out, p),
    rope: (x, cs, out, p) => rope(L, x, cs, out, p),
    decodeAttention: (q, k, v, out, p) => decodeAttention(L, q, k, v, out, p),
  };

  const backend: Backend<GpuHandle> = {
    name: 'webgpu',
    isCPU: false,

    alloc(dtype: DType, size: number): GpuHandle {
      live('alloc');
      const bytes = Math.max(16, size * 4);
      if (bytes > maxBuffer) {
        throw new EdgegradError('webgpu', `alloc: ${size} ${dtype} elements need ${bytes} bytes (stored 4 bytes each); `
          + `the device allows ${maxBuffer} (maxStorageBufferBindingSize/maxBufferSize)`);
      }
      const { buffer, reused } = pool.take(bytes);
      bytesLive += buffer.size;
      return new GpuHandle(buffer, dtype, size, reused);
    },

    free(h: GpuHandle): void {
      if (h.freed) throw new EdgegradError('webgpu', 'free: storage freed twice');
      h.freed = true;
      bytesLive -= h.buffer.size;
      if (disposed) return;
      pool.give(h.buffer, (b) => L.retire(b));
    },

    write(h: GpuHandle, data: TypedArray): void {
      live('write');
      if (h.freed) throw new EdgegradError('webgpu', 'write: storage was already freed');
      if (data.length !== h.size) throw new EdgegradError('webgpu', `write: ${data.length} values into storage of ${h.size}`);
      // queue.writeBuffer runs ahead of commands still being recorded, so those go first.
      L.flush();
      const words = data instanceof Uint8Array ? Uint32Array.from(data) : data;
      if (words.length) device.queue.writeBuffer(h.buffer, 0, words.buffer, words.byteOffset, words.byteLength);
      h.dirty = false;
    },

    async read(h: GpuHandle, dtype: DType, size: number): Promise<TypedArray> {
      live('read');
      if (h.freed) throw new EdgegradError('webgpu', 'read: storage was already freed');
      if (size > h.size) throw new EdgegradError('webgpu', `read: ${size} values from storage of ${h.size}`);
      if (size === 0 || h.dirty) { L.flush(); throwIfFailed('read'); return makeTyped(dtype, size); }
      const bytes = size * 4;
      const { buffer: stage } = staging.take(bytes);
      L.commandEncoder.copyBufferToBuffer(h.buffer, 0, stage, 0, bytes);
      L.flush();
      try {
        await stage.mapAsync(MAP_READ, 0, bytes);
      } catch (e) {
        throwIfFailed('read');
        throw new EdgegradError('webgpu', `read: mapAsync failed: ${(e as Error).message}`);
      }
      const raw = stage.getMappedRange(0, bytes);
      let out: TypedArray;
      if (dtype === 'uint8') out = Uint8Array.from(new Uint32Array(raw));
      else if (dtype === 'int32') out = new Int32Array(raw.slice(0));
      else out = new Float32Array(raw.slice(0));
      stage.unmap();
      staging.give(stage, (b) => b.destroy());
      throwIfFailed('read');
      return out;
    },

    // GPU bytes behind live handles, size-class rounding included; pooled buffers excluded.
    bytesInUse: () => bytesLive,
    kernels,

    supports: ((kernel: KernelName, p: Record<string, never>): boolean => {
      const q = p as { dtype?: DType; op?: UnaryOp };
      switch (kernel) {
        case 'unary': return q.dtype === 'float32' || isIntUnary(q.op!);
        case 'binary': { const b = p as unknown as BinaryParams; return !!stridedLayout(b.outShape, [b.aStrides, b.bStrides]); }
        case 'copy': { const c = p as unknown as CopyParams; return !!stridedLayout(c.shape, [c.xStrides, c.outStrides]); }
        case 'where': { const w = p as unknown as WhereParams; return !!stridedLayout(w.outShape, [w.cStrides, w.aStrides, w.bStrides]); }
        case 'matmul': case 'softmax': case 'logSumExp': case 'layerNorm': case 'rmsNorm': case 'optimStep':
          return (q.dtype ?? 'float32') === 'float32'; // their params carry no dtype: float32 only
        case 'fwht': return (p as unknown as { block: number }).block <= FWHT_MAX_BLOCK;
        case 'decodeAttention': return (p as unknown as { headDim: number }).headDim <= ATTENTION_MAX_HEAD_DIM;
        default: return true;
      }
    }) as SupportsFn,

    async sync(): Promise<void> {
      live('sync');
      L.flush();
      await device.queue.onSubmittedWorkDone();
      throwIfFailed('sync');
    },

    dispose(): void {
      if (disposed) return;
      disposed = true;
      L.flush();
      L.destroy();
      pool.destroyAll();
      staging.destroyAll();
      dummy.destroy();
      device.destroy();
    },
  };
  return { backend, adapter: info, limits };
}
