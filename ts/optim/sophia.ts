// SophiaG and SophiaH: sign-momentum clipped by a diagonal curvature estimate h,
// p -= lr·sign(m)·min(|m| / (ρ·bs·h + 1e-15), 1). h is refreshed every k steps: after
// step t (counting from 1) with t mod k == 0, which is the reference's 0-based
// `iter_num % k == k - 1`. h starts at 0, so the first k steps are sign-momentum.
import { scope } from '../memory.js';
import { EdgegradError } from '../../runtime/errors.js';
import type { Tensor } from '../tensor.js';
import * as o from '../ops/index.js';
import { hvp } from '../autodiff/grad.js';
import * as random from '../random.js';
import { Optimizer, baseScalars, type LearningRate, type OptimizerState, type Rule, type StepOptions } from './optimizer.js';
import { matchGrads, unflatten } from './params.js';
import type { Tree } from '../autodiff/tree.js';
import { assign, stateLike } from './assign.js';

type Betas = [number, number];
export interface SophiaGOptions { lr: LearningRate; fused: boolean; betas: Betas; rho: number; weightDecay: number; hessianInterval: number; batchSize: number }
export interface SophiaHOptions { lr: LearningRate; fused: boolean; betas: Betas; gamma: number; weightDecay: number; hessianInterval: number; seed: number }

const sophiaGRule: Rule<SophiaGOptions> = {
  kind: 'sophia',
  spec: {
    lr: { def: 1e-4, check: 'lr' }, betas: { def: [0.965, 0.99], check: 'betas' }, rho: { def: 0.04, check: 'nonneg' },
    weightDecay: { def: 1e-1, check: 'nonneg' }, hessianInterval: { def: 10, check: 'count' }, batchSize: { def: 5120, check: 'pos' },
  },
  slots: () => ['m', 'hessian', null],
  scalars: (o, _t, lr, so) => ({ ...baseScalars, lr, wd: o.weightDecay, decoupled: true, b1: o.betas[0], b2: o.betas[1], rhoBs: o.rho * (so.batchSize ?? o.batchSize) }),
};

// SophiaH with the older reference's settings: bias-corrected m and γ in place of ρ·bs.
// |m/bc1| / (γh) = |m| / (γ·bc1·h), so the correction folds into the kernel's ρ·bs scalar
// (the 1e-15 guard is then not scaled by bc1, a difference far below float32 resolution).
const sophiaHRule: Rule<SophiaHOptions> = {
  kind: 'sophia',
  spec: {
    lr: { def: 1e-3, check: 'lr' }, betas: { def: [0.9, 0.99], check: 'betas' }, gamma: { def: 10, check: 'nonneg' },
    weightDecay: { def: 0, check: 'nonneg' }, hessianInterval: { def: 10, check: 'count' }, seed: { def: 0, check: 'num' },
  },
  slots: () => ['m', 'hessian', null],
  scalars: (o, t, lr) => ({ ...baseScalars, lr, wd: o.weightDecay, decoupled: true, b1: o.betas[0], b2: o.betas[1], rhoBs: o.gamma * (1 - o.betas[0] ** t) }),
};

abstract class Sophia<O extends { lr: LearningRate; fused: boolean; betas: Betas; hessianInterval: number }, P = any> extends Optimizer<O, P> {
  private lastHessian = 0;

  /** True right after a step at which the reference refreshes h (every hessianInterval steps). */
  get hessianDue(): boolean { return this.t > 0 && this.t % this.options.hessianInterval === 0 && this.lastHessian !== this.t; }

  /** h = b2·h + (1 − b2)·estimate, leaf by leaf; returns whether it was applied. Ignored
   *  (false) when not due, so it may be called every step; `{ force: true }` applies it anyway. */
  updateHessian(estimate: unknown, opts: { force?: boolean } = {}): boolean {
    const op = `${this.name}.updateHessian`;
    this.alive(op);
    const es = matchGrads(estimate, this.params, op);
    if (!this.hessianDue && !opts.force) return false;
    this.applyHessian(es);
    return true;
  }

  /** @internal */
  applyHessian(es: Tensor[]): void {
    const b2 = this.options.betas[1];
    this.lastHessian = this.t;
    scope(() => {
      this.slots.forEach((s, i) => assign(s[1]!, this.mixHessian(i, o.add(o.mul(s[1]!, b2), o.mul(es[i], 1 - b2)))));
      return null;
    });
  }

  /** @internal what goes into the kernel's h slot */
  protected mixHessian(_i: number, h: Tensor): Tensor { return h; }
}

export class SophiaG<P = any> extends Sophia<SophiaGOptions, P> {
  constructor(params: P, options: unknown) { super('sophiaG', params, options, sophiaGRule); }
}

/**
 * SophiaH: the curvature is the Hutchinson estimate u ⊙ (H u), u Rademacher, computed with
 * eg.hvp. Pass the loss as a function of the parameter tree when calling step:
 * `opt.step(grads, { lossFn: (p) => loss(p, batch) })`; it is only evaluated on steps where h
 * is due (the step throws before changing anything if it is due and lossFn is missing).
 * h itself may go negative (the estimate is unbiased, not positive); the kernel sees relu(h),
 * which is the older reference's denominator.
 */
export class SophiaH<P = any> extends Sophia<SophiaHOptions, P> {
  private raw: Tensor[];
  constructor(params: P, options: unknown) {
    super('sophiaH', params, options, sophiaHRule);
    this.raw = this.leaves.map((l) => stateLike(l.tensor));
  }

  protected override mixHessian(i: number, h: Tensor): Tensor {
    assign(this.raw[i], h);
    return o.relu(this.raw[i]);
  }

  override step(grads: P, so: StepOptions = {}): void {
    const op = `${this.name}.step`;
    this.alive(op);
    const gs = matchGrads(grads, this.params, op);
    const due = (this.t + 1) % this.options.hessianInterval === 0;
    if (due && typeof so.lossFn !== 'function')
      throw new EdgegradError(op, `step ${this.t + 1} refreshes the Hessian estimate and needs the loss`, 'Pass opt.step(grads, { lossFn: (params) => loss })');
    this.stepLeaves(gs, so);
    if (due) this.hutchinson(so.lossFn!);
  }

  /** @internal one Hutchinson sample u ⊙ (H u) at the current parameters */
  hutchinson(lossFn: (p: any) => Tensor): void {
    const k = random.foldIn(random.key(this.options.seed), this.t);
    const keys = random.split(k, this.leaves.length);
    scope(() => {
      const us = this.leaves.map((l, i) => random.rademacher(keys[i], l.tensor.shape));
      const hv = hvp(lossFn, this.params as never, unflatten(this.params, us) as never);
      const flatHv = matchGrads(hv, this.params, `${this.name}.step (Hessian-vector product)`);
      this.applyHessian(us.map((u, i) => o.mul(u, flatHv[i])));
      return null;
    });
  }

  override get state(): OptimizerState {
    return { ...super.state, hessianRaw: unflatten(this.params, this.raw) };
  }

  override dispose(): void { super.dispose(); for (const t of this.raw) t.dispose(); }
}

/** SophiaG (Liuhong99/Sophia head): lr 1e-4, betas [0.965, 0.99], rho 0.04, weightDecay 0.1,
 *  Hessian (Gauss-Newton-Bartlett ĝ⊙ĝ, passed to updateHessian) every 10 steps; batchSize 5120
 *  as in the reference step() (override per step: opt.step(g, { batchSize })). */
export const sophiaG = <P extends Tree>(params: P, options: Partial<SophiaGOptions> = {}): SophiaG<P> => new SophiaG(params, options);
/** SophiaH (Hutchinson curvature): lr 1e-3, betas [0.9, 0.99], gamma 10, weightDecay 0, every 10 steps. */
export const sophiaH = <P extends Tree>(params: P, options: Partial<SophiaHOptions> = {}): SophiaH<P> => new SophiaH(params, options);
