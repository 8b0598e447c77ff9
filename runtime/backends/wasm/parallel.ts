// Splitting one kernel call across the thread pool (threaded build only). A call is cut into
// ranges of independent work (elements, rows, output rows) and the same export runs on each,
// so every output element is computed by the same code in the same order as on one thread:
// elementwise results are bit-identical, row-wise ones identical per row. Work under the
// threshold (engine.thresholds.threads, elements; eg.calibrate() can set it) stays on the
// calling thread.
import type { Pool } from '../../threads/pool.js';
import type { Exports } from './exports.generated.js';

export interface Threads {
  pool: Pool;
  /** Elements of work from which a call is split (read at each call). */
  minWork(): number;
  /** Counts a parallel launch in stats(). */
  counted(kernel: string): void;
}

export type Range = readonly [start: number, end: number];

/**
 * Up to one range per thread covering [0, n), boundaries at multiples of `align`, each
 * carrying at least the threshold's share of `work`; one range [0, n) when not worth it.
 */
export function split(t: Threads | null, n: number, work: number, align = 1): Range[] {
  if (!t) return [[0, n]];
  const units = Math.ceil(n / align);
  const parts = Math.min(t.pool.threads, units, Math.floor(work / Math.max(1, t.minWork())));
  if (parts <= 1) return [[0, n]];
  const out: Range[] = [];
  for (let i = 0, s = 0; i < parts; i++) {
    const e = i === parts - 1 ? n : Math.min(n, Math.round((units * (i + 1)) / parts) * align);
    out.push([s, e]);
    s = e;
  }
  return out;
}

type Fn = { [K in keyof Exports]: Exports[K] extends (...a: never[]) => void ? K : never }[keyof Exports];

/** Runs export `fn` with `args(range, i)` over the ranges: on this thread alone when there is
 *  one, else one range per thread (range 0 here). */
export function launch(ex: Exports, t: Threads | null, fn: Fn, ranges: Range[], args: (r: Range, i: number) => number[]): void {
  const f = ex[fn] as unknown as (...a: number[]) => void;
  if (ranges.length === 1 || !t) { f.apply(ex, args(ranges[0], 0)); return; }
  t.pool.run(fn, ranges.map(args), (...a) => f.apply(ex, a));
  t.counted(fn);
}
