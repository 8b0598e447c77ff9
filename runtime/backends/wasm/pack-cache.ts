// Derived copies of storage that are worth keeping between calls (the whole-matrix pack of a
// weight matrix that matmul reads again and again), valid while the storage's write count
// (`WasmHandle.gen`) is unchanged. A copy is made on the second use of the same contents, so
// a matrix used once costs nothing extra; the total is capped, oldest dropped first.
import type { Kernels } from '../../types.js';
import type { WasmHandle } from './context.js';
import type { Heap } from './heap.js';

interface Entry { gen: number; key: string; ptr: number; bytes: number }

export class PackCache {
  private readonly entries = new Map<WasmHandle, Entry>();
  /** gen and key of each storage's last use that was not cached yet */
  private readonly seen = new WeakMap<WasmHandle, { gen: number; key: string }>();
  private total = 0;

  constructor(private readonly heap: Heap, private readonly limitBytes = 32 << 20) {}

  /** The address of h's copy for `key`, packing it with `fill` on its second use; 0 when not cached. */
  get(h: WasmHandle, key: string, bytes: number, fill: (dst: number) => void): number {
    const e = this.entries.get(h);
    if (e && e.gen === h.gen && e.key === key) {
      this.entries.delete(h); this.entries.set(h, e); // most recently used last
      return e.ptr;
    }
    if (e) this.drop(h);
    const last = this.seen.get(h);
    if (!last || last.gen !== h.gen || last.key !== key || bytes > this.limitBytes) {
      this.seen.set(h, { gen: h.gen, key });
      return 0;
    }
    while (this.total + bytes > this.limitBytes) this.drop(this.entries.keys().next().value!);
    const ptr = this.heap.alloc(bytes, false);
    fill(ptr);
    this.entries.set(h, { gen: h.gen, key, ptr, bytes });
    this.total += bytes;
    return ptr;
  }

  drop(h: WasmHandle): void {
    const e = this.entries.get(h);
    if (!e) return;
    this.entries.delete(h);
    this.heap.release(e.ptr, e.bytes);
    this.total -= e.bytes;
  }

  clear(): void { for (const h of [...this.entries.keys()]) this.drop(h); }
}

/** Bumps the write count of every storage a kernel writes: its `out`, and for optimStep the
 *  parameter and moment slots it updates in place. */
export function countWrites(k: Kernels<WasmHandle>): Kernels<WasmHandle> {
  const wrapped = {} as Record<string, unknown>;
  for (const [name, fn] of Object.entries(k) as [string, (...a: unknown[]) => void][]) {
    wrapped[name] = name === 'optimStep'
      ? (...a: unknown[]) => { for (const h of a.slice(0, 6)) if (h) (h as WasmHandle).gen++; fn(...a); }
      : (...a: unknown[]) => { (a[a.length - 2] as WasmHandle).gen++; fn(...a); };
  }
  return wrapped as unknown as Kernels<WasmHandle>;
}
