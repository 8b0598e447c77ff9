import { engine } from '../runtime/engine.js';
import { cloneStats, emptyStats, type Stats } from '../runtime/stats.js';
import type { BackendName } from '../runtime/types.js';
import { Tensor } from './tensor.js';

/** Runs fn and frees every tensor it created that its result does not hold (sync only). */
export function scope<T>(fn: () => T): T {
  return engine.scope(fn, (r) => collect(r, []));
}

/** Tensors reachable from a value: a tensor, arrays and plain objects of them. */
export function collect(v: unknown, acc: Tensor[]): Tensor[] {
  if (v instanceof Tensor) acc.push(v);
  else if (Array.isArray(v)) for (const e of v) collect(e, acc);
  else if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) for (const e of Object.values(v)) collect(e, acc);
  return acc;
}

export function dispose(v: unknown): void { for (const t of collect(v, [])) t.dispose(); }

/** Keep a tensor alive past the end of the enclosing scope. */
export function keep<T extends Tensor>(t: T): T { engine.untrack(t); engine.live.add(t); return t; }

export interface LiveTensor { id: number; shape: readonly number[]; dtype: string; site?: string }

export interface MemoryReport {
  tensors: number;
  bytes: number;
  backends: Record<BackendName, { tensors: number; bytes: number }>;
  /** With init({ debug: true }): each live tensor and the user's line that made it. */
  live?: LiveTensor[];
  /** @deprecated the same list as `live` (they are live, not necessarily leaked) */
  leaks?: LiveTensor[];
}

export function memory(): MemoryReport {
  const backends: MemoryReport['backends'] = { js: { tensors: 0, bytes: 0 }, wasm: { tensors: 0, bytes: 0 }, webgpu: { tensors: 0, bytes: 0 } };
  let tensors = 0;
  for (const t of engine.live) {
    if (!(t instanceof Tensor)) continue;
    tensors++;
    backends[t.storage.backend.name].tensors++;
  }
  let bytes = 0;
  for (const b of Object.values(engine.backends)) if (b) { backends[b.name].bytes = b.bytesInUse(); bytes += b.bytesInUse(); }
  const r: MemoryReport = { tensors, bytes, backends };
  if (engine.debug) r.live = r.leaks = [...engine.live].filter((t): t is Tensor => t instanceof Tensor).map((t) => ({ id: t.id, shape: t.shape, dtype: t.dtype, site: t.allocSite }));
  return r;
}

export function stats(): Stats { return cloneStats(engine.stats); }
export function resetStats(): void { engine.stats = emptyStats(); }

/** Waits for queued GPU work (a no-op on CPU backends). */
export async function sync(): Promise<void> { for (const b of Object.values(engine.backends)) await b?.sync?.(); }
