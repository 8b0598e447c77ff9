// Gradient (VJP) rules, one per recorded op, written with the public ops so they run on
// every backend and are themselves differentiable (grad of grad, hvp, Sophia-H).
import type { Tensor } from '../tensor.js';
import * as o from '../ops/index.js';
import { zeros } from '../creation.js';
import { spmmGrad } from '../sparse/matmul.js';
import { implicitGrad } from '../implicit/index.js';
import { sizeOf } from '../shape.js';
import type { DiffOp } from './op-names.js';
import { hadamard } from '../quant/hadamard.js';
import { linalgRules } from '../linalg/rules.js';

type Attrs = Record<string, unknown>;
export type Rule = (g: Tensor, inputs: Tensor[], out: Tensor, attrs: Attrs) => (Tensor | null)[];

/** Sums g over the axes along which `shape` was broadcast up to g's shape. */
export function unbroadcast(g: Tensor, shape: readonly number[]): Tensor {
  if (g.shape.length === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  const s = o.sum(g, axes, true);
  return lead > 0 || axes.length ? o.reshape(s, shape) : s;
}

const SQ = Math.sqrt(2 / Math.PI);

/** Broadcasts a reduced result back against the input shape (re-inserting reduced axes). */
function expandReduced(t: Tensor, shape: readonly number[], axes: number[], keepDims: boolean): Tensor {
  return keepDims ? t : o.reshape(t, shape.map((d, i) => (axes.includes(i) ? 1 : d)));
}

export const rules = {
  add: (g, [a, b]) => [unbroadcast(g, a.shape), unbroadcast(g, b.shape)],
  sub: (g, [a, b]) => [unbroadcast(g, a.shape), unbroadcast(o.neg(g), b.shape)],
  mul: (g, [a, b]) => [unbroadcast(o.mul(g, b), a.shape), unbroadcast(o.mul(g, a), b.shape)],
  div: (g, [a, b]) => [unbroadcast(o.div(g, b), a.shape), unbroadcast(o.neg(o.div(o.mul(g, a), o.square(b))), b.shape)],
  pow: (g, [a, b], out) => [
    unbroadcast(o.mul(g, o.mul(b, o.pow(a, o.sub(b, 1)))), a.shape),
    // d/db a^b = a^b log a, defined for a > 0 (0 elsewhere, as the limit where it exists)
    unbroadcast(o.mul(g, o.where(o.greater(a, 0), o.mul(out, o.log(o.maximum(a, 1e-30))), 0)), b.shape),
  ],
  maximum: (g, [a, b]) => [unbroadcast(o.where(o.greaterEqual(a, b), g, 0), a.shape), unbroadcast(o.where(o.less(a, b), g, 0), b.shape)],
  minimum: (g, [a, b]) => [unbroadcast(o.where(o.lessEqual(a, b), g, 0), a.shape), unbroadcast(o.where(o.greater(a, b), g, 0), b.shape)],
  neg: (g) => [o.neg(g)],
  abs: (g, [x]) => [o.mul(g, o.sign(x))],
  sign: () => [null],
  step: () => [null],
  exp: (g, _, out) => [o.mul(g, out)],
  log: (g, [x]) => [o.div(g, x)],
  sqrt: (g, _, out) => [o.div(o.mul(g, 0.5), out)],
  rsqrt: (g, _, out) => [o.mul(o.mul(g, -0.5), o.pow(out, 3))],
  tanh: (g, _, out) => [o.mul(g, o.sub(1, o.square(out)))],
  sigmoid: (g, _, out) => [o.mul(g, o.mul(out, o.sub(1, out)))],
  relu: (g, [x]) => [o.mul(g, o.step(x))],
  gelu: (g, [x]) => {
    const x2 = o.square(x);
    const t = o.tanh(o.mul(o.add(x, o.mul(o.mul(x2, x), 0.044715)), SQ));
    const dt = o.mul(o.mul(o.sub(1, o.square(t)), SQ), o.add(1, o.mul(x2, 3 * 0.044715)));
    return [o.mul(g, o.add(o.mul(o.add(t, 1), 0.5), o.mul(o.mul(x, dt), 0.5)))];
  },
  sin: (g, [x]) => [o.mul(g, o.cos(x))],
  cos: (g, [x]) => [o.neg(o.mul(g, o.sin(x)))],
  square: (g, [x]) => [o.mul(g, o.mul(x, 2))],
  reciprocal: (g, _, out) => [o.neg(o.mul(g, o.square(out)))],
  // a cast to an integer type rounds: piecewise constant, so no gradient flows back through it
  cast: (g, [x], out) => [x.dtype === 'float32' && out.dtype === 'float32' ? g : null],
  clone: (g) => [g],
  reshape: (g, [x]) => [o.reshape(g, x.shape)],
  transpose: (g, _, __, { perm }) => {
    const p = perm as number[];
    return [o.transpose(g, p.map((_, i) => p.indexOf(i)))];
  },
  broadcastTo: (g, [x]) => [unbroadcast(g, x.shape)],
  slice: (g, [x], _, { begin, size }) => {
    // pad g back to x's shape with zeros, one axis at a time
    let cur = g;
    const b = begin as number[], s = size as number[];
    for (let ax = 0; ax < x.rank; ax++) {
      const before = b[ax], after = x.shape[ax] - b[ax] - s[ax];
      if (!before && !after) continue;
      const parts: Tensor[] = [];
      const shp = [...cur.shape];
      if (before) { shp[ax] = before; parts.push(zeros(shp)); }
      parts.push(cur);
      if (after) { const s2 = [...cur.shape]; s2[ax] = after; parts.push(zeros(s2)); }
      cur = o.concat(parts, ax);
    }
    return [cur];
  },
  concat: (g, inputs, _, { axis, sizes }) => {
    let off = 0;
    return inputs.map((x, i) => {
      const begin = g.shape.map(() => 0), size = [...g.shape];
      begin[axis as number] = off;
      size[axis as number] = (sizes as number[])[i];
      off += (sizes as number[])[i];
      return x.dtype === 'float32' ? o.slice(g, begin, size) : null;
    });
  },
  gather: (g, [x], _, { axis, indices }) => {
    // scatter-add: repeated indices accumulate
    const ax = axis as number, idx = indices as Tensor;
    const outer = sizeOf(x.shape.slice(0, ax)), inner = sizeOf(x.shape.slice(ax + 1));
    const g3 = o.reshape(g, [outer, idx.size, inner]);
    return [o.reshape(o.segmentSum(g3, o.reshape(idx, [idx.size]), x.shape[ax], 1), x.shape)];
  },
  segmentSum: (g, [x], _, { axis, indices }) => {
    const ax = axis as number, idx = indices as Tensor;
    return [o.reshape(o.gather(g, o.reshape(idx, [idx.size]), ax), x.shape)];
  },
  spmm: (g, [values, x], _, attrs) => spmmGrad(g, values, x, attrs as never),
  implicit: (g, _, out, attrs) => implicitGrad(g, out, attrs),
  where: (g, [c, a, b]) => [null, unbroadcast(o.where(c, g, 0), a.shape), unbroadcast(o.where(c, 0, g), b.shape)],
  sum: (g, [x], _, { axes, keepDims }) => [o.broadcastTo(expandReduced(g, x.shape, axes as number[], keepDims as boolean), x.shape)],
  mean: (g, [x], _, { axes, keepDims }) => {
    const n = sizeOf((axes as number[]).map((a) => x.shape[a]));
    return [o.broadcastTo(expandReduced(o.div(g, n), x.shape, axes as number[], keepDims as boolean), x.shape)];
  },
  max: (g, [x], out, a) => chooser(g, x, out, a),
  min: (g, [x], out, a) => chooser(g, x, out, a),
  matmul: (g, [a, b], _, { transA, transB }) => {
    const tA = transA as boolean, tB = transB as boolean;
    // work on the 2-D-or-more forms, then fold back 1-D operands and broadcast batches
    const a2 = a.rank === 1 ? o.reshape(a, tA ? [a.size, 1] : [1, a.size]) : a;
    const b2 = b.rank === 1 ? o.reshape(b, tB ? [1, b.size] : [b.size, 1]) : b;
    const m = tA ? a2.shape[a2.rank - 1] : a2.shape[a2.rank - 2];
    const n = tB ? b2.shape[b2.rank - 2] : b2.shape[b2.rank - 1];
    const batch = g.rank - (a.rank === 1 ? 0 : 1) - (b.rank === 1 ? 0 : 1);
    const g2 = o.reshape(g, [...g.shape.slice(0, Math.max(0, batch)), m, n]);
    const dA = tA ? o.matmul(b2, g2, { transposeA: tB, transposeB: true }) : o.matmul(g2, b2, { transposeB: !tB });
    const dB = tB ? o.matmul(g2, a2, { transposeA: true, transposeB: tA }) : o.matmul(a2, g2, { transposeA: !tA });
    return [o.reshape(unbroadcast(dA, a2.shape), a.shape), o.reshape(unbroadcast(dB, b2.shape), b.shape)];
  },
  softmax: (g, _, y, { axis }) => [o.mul(y, o.sub(g, o.sum(o.mul(g, y), axis as number, true)))],
  logSoftmax: (g, _, y, { axis }) => [o.sub(g, o.mul(o.exp(y), o.sum(g, axis as number, true)))],
  logSumExp: (g, [x], out, { axes, keepDims }) => {
    const ax = axes as number[], k = keepDims as boolean;
    return [o.mul(expandReduced(g, x.shape, ax, k), o.exp(o.sub(x, expandReduced(out, x.shape, ax, k))))];
  },
  layerNorm: (g, inputs, _, { eps, gamma, beta }) => {
    const x = inputs[0], gm = gamma ? inputs[1] : null;
    const mu = o.mean(x, -1, true);
    const xc = o.sub(x, mu);
    const rstd = o.rsqrt(o.add(o.mean(o.square(xc), -1, true), eps as number));
    const xhat = o.mul(xc, rstd);
    const dxhat = gm ? o.mul(g, gm) : g;
    const dx = o.mul(rstd, o.sub(o.sub(dxhat, o.mean(dxhat, -1, true)), o.mul(xhat, o.mean(o.mul(dxhat, xhat), -1, true))));
    const rowAxes = [...Array(x.rank - 1).keys()];
    const res: (Tensor | null)[] = [dx];
    if (gamma) res.push(o.sum(o.mul(g, xhat), rowAxes));
    if (beta) res.push(o.sum(g, rowAxes));
    return res;
  },
  // the packed weight is a constant: x gets g · dequantize(W), the bias the summed g
  'quant.linear': (g, [, bias], _, { dequantize }) => {
    const dx = o.matmul(g, (dequantize as () => Tensor)());
    return bias ? [dx, unbroadcast(g, bias.shape)] : [dx];
  },
  // H is symmetric and orthonormal: the VJP applies the same transform
  'quant.hadamard': (g, _, __, { block }) => [hadamard(g, { block: block as number })],
  // QuEST's trust estimator: the gradient passes where the quantization error is within trust·σ
  'quant.trust': (g, _, __, { mask }) => [o.mul(g, mask as Tensor)],
  rmsNorm: (g, inputs, _, { eps, gamma }) => {
    const x = inputs[0], gm = gamma ? inputs[1] : null;
    const r = o.rsqrt(o.add(o.mean(o.square(x), -1, true), eps as number));
    const y0 = o.mul(x, r);
    const dy0 = gm ? o.mul(g, gm) : g;
    const dx = o.mul(r, o.sub(dy0, o.mul(y0, o.mean(o.mul(dy0, y0), -1, true))));
    return gamma ? [dx, o.sum(o.mul(g, y0), [...Array(x.rank - 1).keys()])] : [dx];
  },
  // ts/ot/loss.ts: the envelope theorem gives the maximisers of the dual (saved at the forward pass)
  sinkhornLoss: (g, [a, , C], _, { plan, f, g: gPot }) => {
    const P = plan as Tensor, lead = a.shape.slice(0, -1);
    const gv = o.reshape(g, [...lead, 1]);
    const dC = o.mul(o.reshape(g, [...lead, 1, 1]), o.reshape(P, [...lead, P.shape[1], P.shape[2]]));
    return [o.mul(gv, f as Tensor), o.mul(gv, gPot as Tensor), unbroadcast(dC, C.shape)];
  },
  ...linalgRules,
} satisfies Record<DiffOp, Rule>;

/** max/min: the gradient is shared equally among tied extremes (as JAX does). */
function chooser(g: Tensor, x: Tensor, out: Tensor, { axes, keepDims }: Attrs): (Tensor | null)[] {
  const ax = axes as number[], k = keepDims as boolean;
  const mask = o.cast(o.equal(x, expandReduced(out, x.shape, ax, k)), 'float32');
  const count = o.sum(mask, ax, true);
  return [o.mul(o.div(mask, count), expandReduced(g, x.shape, ax, k))];
}
