// GPU storage handles and the buffer pool behind them.
import type { DType } from '../../types.js';
import { Usage } from './gpu-constants.js';

/** The webgpu backend's storage handle. Every dtype takes 4 bytes per element on the GPU
 *  (uint8 widened to u32) so shaders index all dtypes the same way. */
export class GpuHandle {
  /** Taken from the pool with old contents: cleared on first use rather than at alloc, so a
   *  write() right after alloc() skips the clear. */
  dirty: boolean;
  freed = false;
  constructor(readonly buffer: GPUBuffer, readonly dtype: DType, readonly size: number, dirty: boolean) {
    this.dirty = dirty;
  }
  get capacity(): number { return this.buffer.size; }
}

/** Byte size classes: each power-of-two range split in eighths, so a pooled buffer wastes
 *  under 25% and a handful of classes serve many shapes. 16 bytes at least. */
export function sizeClass(bytes: number): number {
  if (bytes <= 16) return 16;
  const p = 2 ** Math.ceil(Math.log2(bytes));
  const step = Math.max(4, p / 8);
  return Math.ceil(bytes / step) * step;
}

/** Free buffers by size class, for one usage. Reuse needs no fence: every use of a buffer
 *  goes through the one queue in submission order. */
export class BufferPool {
  private free = new Map<number, GPUBuffer[]>();
  private pooledBytes = 0;
  constructor(private device: GPUDevice, private usage: number, private label: string, private maxPooledBytes: number) {}

  /** A buffer of at least `bytes`, and whether it came back from the pool (old contents). */
  take(bytes: number): { buffer: GPUBuffer; reused: boolean } {
    const cls = sizeClass(bytes);
    const list = this.free.get(cls);
    const b = list?.pop();
    if (b) { this.pooledBytes -= cls; return { buffer: b, reused: true }; }
    return { buffer: this.device.createBuffer({ size: cls, usage: this.usage, label: `${this.label}:${cls}` }), reused: false };
  }

  /** Returns a buffer; past the cap it is destroyed by `retire` (which must wait until
   *  commands already encoded against it are submitted). */
  give(b: GPUBuffer, retire: (b: GPUBuffer) => void): void {
    if (this.pooledBytes + b.size > this.maxPooledBytes) { retire(b); return; }
    let list = this.free.get(b.size);
    if (!list) this.free.set(b.size, (list = []));
    list.push(b);
    this.pooledBytes += b.size;
  }

  get bytes(): number { return this.pooledBytes; }

  destroyAll(): void {
    for (const list of this.free.values()) for (const b of list) b.destroy();
    this.free.clear();
    this.pooledBytes = 0;
  }
}

export const STORAGE_USAGE = Usage.STORAGE | Usage.COPY_SRC | Usage.COPY_DST;
export const STAGING_USAGE = Usage.MAP_READ | Usage.COPY_DST;
