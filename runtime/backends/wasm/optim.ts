// Host side of the fused optimizer update (assembly/optim.ts): maps OptimParams to the
// export's flat argument list. In place on p and the state slots; `out` is p.
import type { OptimParams } from '../../types.js';
import { optimCodes } from '../../ops-table.js';
import type { WasmContext, WasmHandle } from './context.js';


/** The backend's `optimStep` kernel (pointers are byte addresses; 0 = no slot). */
export function optimStep(c: WasmContext) {
  const fn = c.ex.optimStep.bind(c.ex), ptr = (h: WasmHandle) => c.ptr(h);
  return (p: WasmHandle, g: WasmHandle, s0: WasmHandle | null, s1: WasmHandle | null, s2: WasmHandle | null, _out: WasmHandle, q: OptimParams): void => {
    if (q.size === 0) return;
    fn(optimCodes[q.kind], ptr(p), ptr(g), s0 ? ptr(s0) : 0, s1 ? ptr(s1) : 0, s2 ? ptr(s2) : 0, q.size,
      q.lr, q.wd, +q.decoupled, q.b1, q.b2, q.eps, q.momentum, q.dampening, +q.nesterov, +q.first, q.bc1, q.bc2, +q.amsgrad, q.rhoBs);
  };
}
