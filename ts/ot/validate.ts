// Checks shared by the OT solvers. Marginals are read to the host (they are vectors);
// C is checked for NaN on its device with one reduction, so only a flag comes back.
import { EdgegradError, fmtShape } from '../../runtime/errors.js';
import { Tensor } from '../tensor.js';
import { tensor } from '../creation.js';
import * as o from '../ops/index.js';
import { scope } from '../memory.js';

export type Hist = Tensor | ArrayLike<number>;

export interface Problem {
  a: Tensor; b: Tensor; C: Tensor;
  /** host float64 copies, [batch*n] and [batch*m] */
  ha: Float64Array; hb: Float64Array;
  batch: number; n: number; m: number;
  /** leading (batch) shape of a and b: [] for a single problem */
  lead: number[];
  /** tensors made here from arrays, freed by the caller */
  temps: Tensor[];
}

const asTensor = (x: Hist, temps: Tensor[]): Tensor => {
  if (x instanceof Tensor) return x;
  const t = tensor(Array.from(x as ArrayLike<number>));
  temps.push(t);
  return t;
};

export function checkReg(op: string, reg: unknown): number {
  if (typeof reg !== 'number' || !(reg > 0) || !Number.isFinite(reg))
    throw new EdgegradError(op, `reg must be a positive finite number, got ${String(reg)}`, 'Pass { reg: 0.05 } or similar (in the units of C)');
  return reg;
}

/** Shapes only (sync callers). */
export function checkShapes(op: string, a: Tensor, b: Tensor, C: Tensor): { batch: number; n: number; m: number; lead: number[] } {
  const bad = (msg: string) => new EdgegradError(op, `${msg} (a ${fmtShape(a.shape)}, b ${fmtShape(b.shape)}, C ${fmtShape(C.shape)})`,
    'Pass a [..., n], b [..., m] and C [n, m] or [..., n, m] with the same leading shape');
  if (a.rank < 1 || b.rank < 1 || a.rank !== b.rank) throw bad('a and b must be vectors or batches of vectors of the same rank');
  if (a.rank > 2) throw bad('one leading batch axis at most');
  if (C.rank !== 2 && C.rank !== a.rank + 1) throw bad('C must be [n, m], or [batch, n, m] for batched a and b');
  const lead = a.shape.slice(0, -1);
  if (lead.some((d, i) => d !== b.shape[i])) throw bad('a and b have different batch shapes');
  if (C.rank === 3 && C.shape[0] !== lead[0]) throw bad('C has a different batch size than a and b');
  const n = a.shape[a.rank - 1], m = b.shape[b.rank - 1];
  if (C.shape[C.rank - 2] !== n || C.shape[C.rank - 1] !== m) throw bad(`C must be ${n} x ${m}`);
  if (n === 0 || m === 0) throw bad('empty histograms');
  for (const [t, name] of [[a, 'a'], [b, 'b'], [C, 'C']] as const)
    if (t.dtype !== 'float32') throw new EdgegradError(op, `${name} must be float32, got ${t.dtype}`, `Cast it with .cast('float32')`);
  return { batch: lead.length ? lead[0] : 1, n, m, lead };
}

/** Full validation: shapes, non-negative finite histograms of equal mass, C without NaN. */
export async function problem(op: string, a0: Hist, b0: Hist, C0: Tensor | number[][]): Promise<Problem> {
  const temps: Tensor[] = [];
  const C = C0 instanceof Tensor ? C0 : (temps.push(tensor(C0)), temps[temps.length - 1]);
  const a = asTensor(a0, temps), b = asTensor(b0, temps);
  const { batch, n, m, lead } = checkShapes(op, a, b, C);
  const ha = Float64Array.from(await a.data()), hb = Float64Array.from(await b.data());
  for (const [h, name] of [[ha, 'a'], [hb, 'b']] as const) {
    const k = h.findIndex((v) => !(v >= 0) || !Number.isFinite(v));
    if (k >= 0) throw new EdgegradError(op, `${name}[${k}] = ${h[k]}: histograms must be finite and non-negative`, 'Clip or renormalise the weights');
  }
  for (let t = 0; t < batch; t++) {
    let sa = 0, sb = 0;
    for (let i = 0; i < n; i++) sa += ha[t * n + i];
    for (let j = 0; j < m; j++) sb += hb[t * m + j];
    if (!(sa > 0) || Math.abs(sa - sb) > 1e-5 * Math.max(sa, sb))
      throw new EdgegradError(op, `a and b must have the same positive total mass${batch > 1 ? ` (problem ${t})` : ''}: sum(a) = ${sa}, sum(b) = ${sb}`, 'Normalise both (e.g. a / sum(a), b / sum(b)) or use an unbalanced solver');
    // float32 rounding leaves the masses a few ulps apart; the float64 copies agree exactly
    for (let j = 0; j < m; j++) hb[t * m + j] *= sa / sb;
  }
  const flag = scope(() => o.max(o.cast(o.notEqual(C, C), 'float32')));
  const nan = (await flag.data())[0];
  flag.dispose();
  if (nan) throw new EdgegradError(op, `C ${fmtShape(C.shape)} contains NaN`, 'Replace NaN costs (use a large finite cost or Infinity to forbid a pair)');
  return { a, b, C, ha, hb, batch, n, m, lead, temps };
}
