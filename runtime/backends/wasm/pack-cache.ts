// Derived copies of storage that are worth keeping between calls (the whole-matrix pack of a
// weight matrix that matmul reads again and again), valid while the storage's write count
// (`WasmHandle.gen`) is unchanged. A copy is made on the second use of the same contents the
// same way (key: shape and transposition), so a matrix used once costs nothing extra; a
// storage may hold several (a weight is read as W forward and as Wᵀ backward). The total is
// capped, least recently used dropped first.
import type { Kernels } from '../../types.js';
import type { WasmHandle } from './context.js';
import type { Heap } from './heap.js';

interface Entry { h: WasmHandle; key: string; gen: number; ptr: number; bytes: number }

export class PackCache {
  /** by storage, then key; `order` holds the same entries, least recently used first */
  private readonly entries = new Map<WasmHandle, Map<string, Entry>>();
  private readonly order = new Set<Entry>();
  /** gen at each storage's last uncached use, per key */
  private readonly seen = new WeakMap<WasmHandle, Map<string, number>>();
  private total = 0;

  constructor(private readonly heap: Heap, private readonly limitBytes = 32 << 20) {}

  /** The address of h's copy for `key`, packing it with `fill` on its second use; 0 when not cached. */
  get(h: WasmHandle, key: string, bytes: number, fill: (dst: number) => void): number {
    const e = this.entries.get(h)?.get(key);
    if (e && e.gen === h.gen) {
      this.order.delete(e); this.order.add(e);
      return e.ptr;
    }
    if (e) this.remove(e);
    let seen = this.seen.get(h);
    if (!seen) this.seen.set(h, (seen = new Map()));
    if (seen.get(key) !== h.gen || bytes > this.limitBytes) {
      seen.set(key, h.gen);
      return 0;
    }
    while (this.total + bytes > this.limitBytes) this.remove(this.order.values().next().value!);
    const ptr = this.heap.alloc(bytes, false);
    fill(ptr);
    const entry = { h, key, gen: h.gen, ptr, bytes };
    let byKey = this.entries.get(h);
    if (!byKey) this.entries.set(h, (byKey = new Map()));
    byKey.set(key, entry);
    this.order.add(entry);
    this.total += bytes;
    return ptr;
  }

  /** Frees every copy of h (its storage is being freed). */
  drop(h: WasmHandle): void {
    for (const e of this.entries.get(h)?.values() ?? []) this.remove(e);
  }

  clear(): void { for (const e of [...this.order]) this.remove(e); }

  private remove(e: Entry): void {
    const byKey = this.entries.get(e.h)!;
    byKey.delete(e.key);
    if (!byKey.size) this.entries.delete(e.h);
    this.order.delete(e);
    this.heap.release(e.ptr, e.bytes);
    this.total -= e.bytes;
  }
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
