// Stochastic CCA / PLS by the unconstrained Eckhart–Young loss (Chapman et al.), minimised
// with minibatch SGD (momentum 0.9) through eg.valueAndGrad. With Z₁ = x̄W, Z₂ = ȳV on a
// centred minibatch and covariances over b − 1:
//   C = ½ Σ_{i,j} Cov(Z_i, Z_j),  V = ½ Σ_i Cov(Z_i, Z_i)
//   cca: L = −2 tr(C) + tr(V²)            (c = 0)
//   pls: L = −2 tr(C − V) + tr(B²), B = ½(WᵀW + VᵀV)   (c = 1)
// Its minimisers span the top-k canonical (PLS) subspace, so correlations() is
// rotation-invariant: it runs CCA between the k projections.
import type { Tensor } from '../tensor.js';
import * as o from '../ops/index.js';
import { zeros } from '../creation.js';
import { scope, keep } from '../memory.js';
import { valueAndGrad } from '../autodiff/grad.js';
import { sgd } from '../optim/optimizers.js';
import * as random from '../random.js';
import { EdgegradError, fmtShape } from '../../runtime/errors.js';
import { cca } from './cca.js';

export interface StochasticOptions {
  method?: 'cca' | 'pls';
  k: number;
  /** SGD step (momentum 0.9); default 1e-2, for standardised features */
  lr?: number;
  /** rows per step when fit() is given larger batches; default: the batches as they come */
  batchSize?: number;
  key?: random.Key;
}

type Params = { W: Tensor; V: Tensor };

export class StochasticMultiview {
  readonly method: 'cca' | 'pls';
  readonly k: number;
  readonly lr: number;
  readonly batchSize: number | undefined;
  private key: random.Key;
  private params: Params | null = null;
  private opt: ReturnType<typeof sgd> | null = null;
  private mx: Tensor | null = null;
  private my: Tensor | null = null;
  private seen = 0;
  /** minibatch losses, in order */
  readonly losses: number[] = [];

  constructor(opts: StochasticOptions) {
    const op = 'multiview.stochastic';
    this.method = opts?.method ?? 'cca';
    if (this.method !== 'cca' && this.method !== 'pls') throw new EdgegradError(op, `unknown method '${String(this.method)}'`, "Use 'cca' or 'pls'");
    if (!(Number.isInteger(opts.k) && opts.k >= 1)) throw new EdgegradError(op, `k must be a positive integer, got ${String(opts.k)}`, 'Pass { k: 2 } or similar');
    this.k = opts.k;
    this.lr = opts.lr ?? 1e-2;
    if (!(this.lr > 0)) throw new EdgegradError(op, `lr must be positive, got ${this.lr}`, 'Pass e.g. { lr: 1e-2 }');
    this.batchSize = opts.batchSize;
    this.key = opts.key ?? random.key(0);
  }

  get xWeights(): Tensor { return this.need('xWeights').W; }
  get yWeights(): Tensor { return this.need('yWeights').V; }

  private need(op: string): Params {
    if (!this.params) throw new EdgegradError(`multiview.stochastic.${op}`, 'the estimator has seen no data', 'Call partialFit(x, y) or await fit(batches) first');
    return this.params;
  }

  private init(p: number, q: number): void {
    const [k1, k2] = random.split(this.key);
    const W = keep(scope(() => o.mul(random.normal(k1, [p, this.k]), 1 / Math.sqrt(p))));
    const V = keep(scope(() => o.mul(random.normal(k2, [q, this.k]), 1 / Math.sqrt(q))));
    this.params = { W, V };
    this.opt = sgd(this.params, { lr: this.lr, momentum: 0.9 });
    this.mx = keep(zeros([p])); this.my = keep(zeros([q]));
  }

  /** One SGD step on the minibatch (x [b, p], y [b, q]), centred with the running means. */
  partialFit(x: Tensor, y: Tensor): this {
    const op = 'multiview.stochastic.partialFit';
    if (x?.rank !== 2 || y?.rank !== 2 || x.shape[0] !== y.shape[0] || x.shape[0] < 2)
      throw new EdgegradError(op, `x and y must be [b, p] and [b, q] with the same b >= 2, got ${x?.shape ? fmtShape(x.shape) : typeof x}, ${y?.shape ? fmtShape(y.shape) : typeof y}`, 'Pass matching minibatches of at least two rows');
    if (!this.params) this.init(x.shape[1], y.shape[1]);
    const { W, V } = this.params!;
    if (x.shape[1] !== W.shape[0] || y.shape[1] !== V.shape[0])
      throw new EdgegradError(op, `feature counts changed: x ${fmtShape(x.shape)}, y ${fmtShape(y.shape)} after [*, ${W.shape[0]}], [*, ${V.shape[0]}]`, 'Feed batches with the same columns');
    const b = x.shape[0];
    const total = this.seen + b;
    const upd = (m: Tensor, d: Tensor) => o.add(m, o.div(o.sub(o.sum(d, 0), o.mul(m, b)), total));
    const [mx, my] = scope(() => [upd(this.mx!, x), upd(this.my!, y)]);
    this.mx!.dispose(); this.my!.dispose();
    this.mx = keep(mx); this.my = keep(my);
    this.seen = total;
    const pls = this.method === 'pls';
    const loss = (p: Params) => {
      const z1 = o.matmul(o.sub(x, mx), p.W), z2 = o.matmul(o.sub(y, my), p.V);
      // tr(C) = Σ(z1 + z2)² / (2(b − 1)); V = (Cov(z1) + Cov(z2))/2
      const trC = o.div(o.sum(o.square(o.add(z1, z2))), 2 * (b - 1));
      const Vm = o.div(o.add(o.matmul(z1, z1, { transposeA: true }), o.matmul(z2, z2, { transposeA: true })), 2 * (b - 1));
      if (!pls) return o.add(o.mul(trC, -2), o.sum(o.square(Vm)));
      const trV = o.div(o.add(o.sum(o.square(z1)), o.sum(o.square(z2))), 2 * (b - 1));
      const B = o.div(o.add(o.matmul(p.W, p.W, { transposeA: true }), o.matmul(p.V, p.V, { transposeA: true })), 2);
      return o.add(o.mul(o.sub(trC, trV), -2), o.sum(o.square(B)));
    };
    const [value, grads] = valueAndGrad(loss)(this.params!);
    this.opt!.step(grads);
    if (value.device !== 'webgpu') this.losses.push(value.dataSync()[0]);
    value.dispose();
    for (const g of Object.values(grads as Params)) g.dispose();
    return this;
  }

  /** One pass over an (async) iterable of [x, y] minibatches, split into batchSize rows if set. */
  async fit(batches: AsyncIterable<[Tensor, Tensor]> | Iterable<[Tensor, Tensor]>): Promise<this> {
    for await (const [x, y] of batches as AsyncIterable<[Tensor, Tensor]>) {
      const bs = this.batchSize;
      if (!bs || x.shape[0] <= bs) { this.partialFit(x, y); continue; }
      for (let s = 0; s + 2 <= x.shape[0]; s += bs) {
        const len = Math.min(bs, x.shape[0] - s);
        if (len < 2) break;
        const [xs, ys] = scope(() => [o.slice(x, [s, 0], [len, x.shape[1]]), o.slice(y, [s, 0], [len, y.shape[1]])]);
        this.partialFit(xs, ys);
        xs.dispose(); ys.dispose();
      }
    }
    return this;
  }

  /** [(x − mean_x)W, (y − mean_y)V] with the running means. */
  transform(x: Tensor, y: Tensor): [Tensor, Tensor] {
    const { W, V } = this.need('transform');
    return scope(() => [o.matmul(o.sub(x, this.mx!), W), o.matmul(o.sub(y, this.my!), V)]);
  }

  /** The k canonical correlations between XW and YV (descending, rotation-invariant). */
  correlations(X: Tensor, Y: Tensor): Tensor {
    const [zx, zy] = this.transform(X, Y);
    try {
      const r = cca(zx, zy, { k: this.k, reg: 0 });
      r.xWeights.dispose(); r.yWeights.dispose();
      return r.correlations;
    } finally { zx.dispose(); zy.dispose(); }
  }

  dispose(): void {
    for (const t of [this.params?.W, this.params?.V, this.mx, this.my]) t?.dispose();
    this.opt?.dispose?.();
    this.params = null;
  }
}

export const stochastic = (opts: StochasticOptions): StochasticMultiview => new StochasticMultiview(opts);
