// Host side of the fused optimizer update (assembly/optim.ts): maps OptimParams to the
// export's flat argument list. In place on p and the state slots; `out` is p.
import type { OptimParams } from '../../types.js';
import { optimCodes } from '../../ops-table.js';
import type { WasmContext, WasmHandle } from './context.js';
import { launch, split } from './parallel.js';


/** An update reads and writes up to five arrays per element. */
const OPTIM_WORK = 4;

/** The backend's `optimStep` kernel (pointers are byte addresses; 0 = no slot). */
export function optimStep(c: WasmContext) {
  return (p: WasmHandle, g: WasmHandle, s0: WasmHandle | null, s1: WasmHandle | null, s2: WasmHandle | null, _out: WasmHandle, q: OptimParams): void => {
    if (q.size === 0) return;
    // threads take 64-element blocks; 0 stays 0 (no slot)
    const ptrs = [p, g, s0, s1, s2].map((h) => (h ? c.ptr(h) : 0));
    launch(c.ex, c.threads, 'optimStep', split(c.threads, q.size, q.size * OPTIM_WORK, 64), ([s, e]) => [
      optimCodes[q.kind], ...ptrs.map((a) => (a ? a + s * 4 : 0)), e - s,
      q.lr, q.wd, +q.decoupled, q.b1, q.b2, q.eps, q.momentum, q.dampening, +q.nesterov, +q.first, q.bc1, q.bc2, +q.amsgrad, q.rhoBs,
    ]);
  };
}
