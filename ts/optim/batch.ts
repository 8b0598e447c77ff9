// Batch size and learning rate: the AdAdaGrad adaptive batch-size tests (reference
// timlautk/AdAdaGrad), per-sample gradients to feed them, and the lr scaling rules.
import { EdgegradError } from '../../runtime/errors.js';
import type { Tensor } from '../tensor.js';
import * as o from '../ops/index.js';
import { scope } from '../memory.js';
import { grad } from '../autodiff/grad.js';
import type { Tree } from '../autodiff/tree.js';
import { flatten, unflatten } from './params.js';
import { readOptions } from './options.js';
import { readAll, then, type MaybePromise } from './host.js';

export interface AdaptiveBatchOptions { test: 'norm' | 'innerProduct'; eta: number; maxBatch: number }

export interface BatchDecision {
  /** The batch size for the next step: ceil(max(b, statistic)), capped at maxBatch. */
  batchSize: number;
  /** The test's right-hand side: ‖Var g_i‖₁ / (η²‖ḡ‖²) or Var⟨g_i, ḡ⟩ / (η²‖ḡ‖⁴). */
  statistic: number;
}

/** Statistics of a b × d matrix of per-sample gradients (float64, on the host). */
export function batchTest(rows: Float64Array[], test: 'norm' | 'innerProduct', eta: number): number {
  const b = rows.length, d = rows[0].length;
  if (b < 2) throw new EdgegradError('optim.adaptiveBatch', `the tests need at least 2 per-sample gradients, got ${b}`, 'Pass the per-sample gradients of the whole batch');
  const mean = new Float64Array(d);
  for (const r of rows) for (let j = 0; j < d; j++) mean[j] += r[j] / b;
  let gg = 0;
  for (let j = 0; j < d; j++) gg += mean[j] * mean[j];
  if (test === 'norm') {
    let v1 = 0; // Σ_j unbiased Var_i g_ij
    for (let j = 0; j < d; j++) { let s = 0; for (const r of rows) s += (r[j] - mean[j]) ** 2; v1 += s / (b - 1); }
    return v1 / (eta * eta * gg);
  }
  const ips = rows.map((r) => { let s = 0; for (let j = 0; j < d; j++) s += r[j] * mean[j]; return s; });
  const mu = ips.reduce((a, c) => a + c, 0) / b;
  const v = ips.reduce((a, c) => a + (c - mu) ** 2, 0) / (b - 1);
  return v / (eta * eta * gg * gg);
}

/**
 * AdAdaGrad's adaptive batch size. `update(perSample)` takes per-sample gradients as a tree
 * shaped like the parameters with a leading batch axis on every leaf (what perSampleGrads
 * returns) and returns the next batch size. Norm test: b' = ceil(max(b, Σ‖Var g_i‖₁ /
 * (η²‖ḡ‖²))); inner-product test: b' = ceil(max(b, Var⟨g_i, ḡ⟩ / (η²‖ḡ‖⁴))); b = the number
 * of samples given. The statistics are computed on the host in float64.
 */
export class AdaptiveBatch {
  readonly options: Readonly<AdaptiveBatchOptions>;
  batchSize = 0;
  lastStatistic = NaN;
  constructor(options: unknown) {
    this.options = readOptions<AdaptiveBatchOptions>('optim.adaptiveBatch', options, { test: { def: 'norm', check: 'any' }, eta: { def: 0.1, check: 'pos' }, maxBatch: { def: Infinity, check: 'any' } });
    const { test, maxBatch } = this.options;
    if (test !== 'norm' && test !== 'innerProduct') throw new EdgegradError('optim.adaptiveBatch', `test must be 'norm' or 'innerProduct', got ${String(test)}`);
    if (!(maxBatch === Infinity || (Number.isInteger(maxBatch) && maxBatch >= 1))) throw new EdgegradError('optim.adaptiveBatch', `maxBatch must be an integer >= 1, got ${String(maxBatch)}`);
  }

  update(perSample: unknown): MaybePromise<BatchDecision> {
    const leaves = flatten(perSample, 'optim.adaptiveBatch', 'perSample').map((l) => l.tensor);
    const b = leaves[0].shape[0];
    for (const t of leaves) if (t.rank < 1 || t.shape[0] !== b) throw new EdgegradError('optim.adaptiveBatch', `every per-sample leaf needs the same leading batch axis (${b}), got [${t.shape.join(',')}]`);
    return then(readAll(leaves), (hs) => {
      const rows = Array.from({ length: b }, () => [] as number[]);
      hs.forEach((h, li) => { const per = leaves[li].size / b; for (let i = 0; i < b; i++) for (let j = 0; j < per; j++) rows[i].push(h[i * per + j]); });
      const stat = batchTest(rows.map((r) => Float64Array.from(r)), this.options.test, this.options.eta);
      // rounding noise (79.99999999999999 or 80.00000000000001) must not add a sample
      const next = Math.min(this.options.maxBatch, Math.ceil(Math.max(b, stat) * (1 - 1e-12)));
      this.batchSize = next;
      this.lastStatistic = stat;
      return { batchSize: next, statistic: stat };
    });
  }
}

export const adaptiveBatch = (options: Partial<AdaptiveBatchOptions> = {}): AdaptiveBatch => new AdaptiveBatch(options);

/**
 * Per-sample gradients of `loss(params, sample)` over a batch whose leaves all have a leading
 * batch axis: a tree shaped like params with a leading batch axis per leaf. Generic models
 * need one backward pass per sample (this loop); for linear layers use perSampleLinear,
 * which gets all of them from a single backward pass.
 */
export function perSampleGrads<P extends Tree>(loss: (params: P, sample: any) => Tensor, params: P, batch: unknown): P {
  const bl = flatten(batch, 'optim.perSampleGrads', 'batch').map((l) => l.tensor);
  const b = bl[0].shape[0];
  return scope(() => {
    const per: Tensor[][] = flatten(params, 'optim.perSampleGrads').map(() => []);
    for (let i = 0; i < b; i++) {
      const sample = unflatten(batch, bl.map((t) => o.slice(t, [i, ...t.shape.slice(1).map(() => 0)], [1, ...t.shape.slice(1)])));
      const g = flatten(grad((p: P) => loss(p, sample))(params), 'optim.perSampleGrads').map((l) => l.tensor);
      g.forEach((t, k) => per[k].push(t));
    }
    return unflatten(params, per.map((ts) => o.stack(ts, 0))) as P;
  });
}

/**
 * Per-sample gradients of a linear layer y = x·W + b (x: [batch, in], W: [in, out]) under a
 * loss that is a sum of per-sample terms of y: one backward pass gives the deltas
 * δ_i = ∂loss/∂y_i, and then ∂loss_i/∂W = x_iᵀ δ_i (an outer product), ∂loss_i/∂b = δ_i.
 * Returns { w: [batch, in, out], b: [batch, out] }.
 */
export function perSampleLinear(lossOfOutputs: (y: Tensor) => Tensor, x: Tensor, w: Tensor, b?: Tensor | null): { w: Tensor; b?: Tensor } {
  if (x.rank !== 2 || w.rank !== 2 || x.shape[1] !== w.shape[0]) throw new EdgegradError('optim.perSampleLinear', `needs x [batch, in] and W [in, out], got [${x.shape}] and [${w.shape}]`);
  return scope(() => {
    const y0 = o.matmul(x, w);
    const y = b ? o.add(y0, b) : y0;
    const delta = grad(lossOfOutputs)(y) as Tensor;
    const [n, din] = x.shape, dout = w.shape[1];
    const gw = o.mul(o.reshape(x, [n, din, 1]), o.reshape(delta, [n, 1, dout]));
    return b ? { w: gw, b: o.clone(delta) } : { w: gw };
  });
}

/** Learning rate for a batch grown by kappa: linear for SGD, square root for adaptive methods (Adam). */
export function scaleLr(lr: number, kappa: number, rule: 'sgd' | 'adam'): number {
  if (!(Number.isFinite(lr) && lr >= 0)) throw new EdgegradError('optim.scaleLr', `lr must be a finite number >= 0, got ${lr}`);
  if (!(Number.isFinite(kappa) && kappa > 0)) throw new EdgegradError('optim.scaleLr', `kappa must be a finite number > 0, got ${kappa}`);
  if (rule === 'sgd') return lr * kappa;
  if (rule === 'adam') return lr * Math.sqrt(kappa);
  throw new EdgegradError('optim.scaleLr', `rule must be 'sgd' or 'adam', got ${String(rule)}`, "'sgd' scales linearly, 'adam' by the square root");
}
