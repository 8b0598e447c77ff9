// Host side of the fused optimizer update (assembly/optim.ts): maps OptimParams to the
// export's flat argument list. In place on p and the state slots; `out` is p.
import type { OptimKind, OptimParams } from '../../types.js';
import type { WasmHandle } from './index.js';

/** The export as AssemblyScript compiles it (pointers are byte addresses; 0 = no slot). */
export type OptimStepExport = (kind: number, p: number, g: number, s0: number, s1: number, s2: number, n: number,
  lr: number, wd: number, decoupled: number, b1: number, b2: number, eps: number, momentum: number, dampening: number,
  nesterov: number, first: number, bc1: number, bc2: number, amsgrad: number, rhoBs: number) => void;

const kindCodes: Record<OptimKind, number> = { sgd: 0, adam: 1, adagrad: 2, lion: 3, diffGrad: 4, sophia: 5 };

/** The backend's `optimStep` kernel, given the export and the handle -> address check. */
export function wasmOptimStep(fn: OptimStepExport, ptr: (h: WasmHandle) => number) {
  return (p: WasmHandle, g: WasmHandle, s0: WasmHandle | null, s1: WasmHandle | null, s2: WasmHandle | null, _out: WasmHandle, q: OptimParams): void => {
    if (q.size === 0) return;
    fn(kindCodes[q.kind], ptr(p), ptr(g), s0 ? ptr(s0) : 0, s1 ? ptr(s1) : 0, s2 ? ptr(s2) : 0, q.size,
      q.lr, q.wd, +q.decoupled, q.b1, q.b2, q.eps, q.momentum, q.dampening, +q.nesterov, +q.first, q.bc1, q.bc2, +q.amsgrad, q.rhoBs);
  };
}
