// Gradient transforms that run in front of any optimizer: eg.optim.chain(t1, t2, ..., opt).
// Each transform maps the list of gradient leaves to a new list; projections (lowRankDCT,
// lowRankSVD) instead take over the optimizer's matrix leaves and must come last.
import { EdgegradError } from '../../runtime/errors.js';
import type { Tensor } from '../tensor.js';
import * as o from '../ops/index.js';
import { scope } from '../memory.js';
import { Optimizer, type LearningRate, type OptimizerState, type StepOptions } from './optimizer.js';
import { matchGrads } from './params.js';
import { readAll, then, type MaybePromise } from './host.js';

export interface GradientTransform {
  readonly name: string;
  /** New gradient leaves (the inputs may be returned unchanged). `step` counts from 1. */
  apply(grads: Tensor[], step: number): MaybePromise<Tensor[]>;
  readonly state?: unknown;
  dispose?(): void;
}

/** A transform that optimizes parameters in a projected space (see lowrank.ts). */
export interface Projection {
  readonly name: string;
  readonly projection: true;
  bind(opt: Optimizer): void;
  step(grads: Tensor[], opt: Optimizer, so: StepOptions): MaybePromise<void>;
  readonly state?: unknown;
  dispose(): void;
}

const isProjection = (t: unknown): t is Projection => !!t && (t as Projection).projection === true;
const isTransform = (t: unknown): t is GradientTransform => !!t && typeof (t as GradientTransform).apply === 'function';

/** Frees the leaves of `old` that are neither the caller's nor carried into `next`. */
function release(old: Tensor[], next: Tensor[], user: Set<Tensor>): void {
  const keep = new Set(next);
  for (const t of old) if (!user.has(t) && !keep.has(t) && !t.isDisposed) t.dispose();
}

/** An optimizer with transforms in front. Same surface as an optimizer (P: the parameter tree). */
export class Chain<P = any> {
  readonly name: string;
  private disposed = false;
  constructor(readonly transforms: GradientTransform[], readonly projection: Projection | null, readonly optimizer: Optimizer<any, P>) {
    this.name = `chain(${[...transforms.map((t) => t.name), ...(projection ? [projection.name] : []), optimizer.name].join(', ')})`;
    projection?.bind(optimizer);
  }

  get params(): P { return this.optimizer.params; }
  get lr(): number { return this.optimizer.lr; }
  set lr(v: LearningRate) { this.optimizer.lr = v; }
  get stepCount(): number { return this.optimizer.stepCount; }

  get state(): OptimizerState {
    return { ...this.optimizer.state, transforms: [...this.transforms, ...(this.projection ? [this.projection] : [])].map((t) => ({ name: t.name, state: t.state })) };
  }

  /**
   * One update. Synchronous (returns undefined) whenever the gradients live on a CPU backend
   * (js, wasm): transforms that need host values (coordinateClip's quantile, lowRankSVD) read
   * them with dataSync there. Only on WebGPU, where reading back cannot block, does it return
   * a Promise: `await opt.step(g)` works on every backend.
   */
  step(grads: P, so: StepOptions = {}): void | Promise<void> {
    const op = `${this.name}.step`;
    if (this.disposed) throw new EdgegradError(op, 'the optimizer was disposed', 'Create a new one');
    const user = matchGrads(grads, this.optimizer.params, op);
    const mine = new Set(user);
    const t = this.optimizer.stepCount + 1;
    let cur: MaybePromise<Tensor[]> = user;
    for (const tr of this.transforms) {
      cur = then(cur, (gs) => then(tr.apply(gs, t), (next) => { release(gs, next, mine); return next; }));
    }
    const done = then(cur, (gs) => then(this.projection ? this.projection.step(gs, this.optimizer, so) : this.optimizer.stepLeaves(gs, so), () => release(gs, [], mine)));
    return done as void | Promise<void>;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const t of this.transforms) t.dispose?.();
    this.projection?.dispose();
    this.optimizer.dispose();
  }
  [Symbol.dispose](): void { this.dispose(); }
}

/** eg.optim.chain(...transforms, optimizer): transforms apply left to right; a projection
 *  (lowRankDCT / lowRankSVD) may only be the last one before the optimizer. */
export function chain<P>(...items: [...(GradientTransform | Projection)[], Optimizer<any, P>]): Chain<P>;
export function chain(...items: unknown[]): Chain {
  const opt = items[items.length - 1];
  if (!(opt instanceof Optimizer)) throw new EdgegradError('chain', 'the last argument must be an optimizer', 'e.g. eg.optim.chain(eg.optim.clipByGlobalNorm(1), eg.optim.adam(params))');
  const rest = items.slice(0, -1);
  const transforms: GradientTransform[] = [];
  let projection: Projection | null = null;
  rest.forEach((t, i) => {
    if (isProjection(t)) {
      if (i !== rest.length - 1) throw new EdgegradError('chain', `${t.name} must come last, right before the optimizer`, 'Move the clipping transforms in front of it');
      projection = t;
    } else if (isTransform(t)) transforms.push(t);
    else throw new EdgegradError('chain', `argument ${i} is not a gradient transform`, 'Use eg.optim.clipByGlobalNorm, clipByValue, coordinateClip, lowRankDCT or lowRankSVD');
  });
  return new Chain(transforms, projection, opt);
}

const finite = (op: string, name: string, v: unknown, min = -Infinity): number => {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw new EdgegradError(op, `${name} must be a finite number${min > -Infinity ? ` >= ${min}` : ''}, got ${String(v)}`);
  return v;
};

/** Scales all gradients by min(1, maxNorm / ‖g‖) with ‖g‖ the norm over every leaf together. */
export function clipByGlobalNorm(maxNorm: number): GradientTransform {
  if (!(finite('clipByGlobalNorm', 'maxNorm', maxNorm, 0) > 0)) throw new EdgegradError('clipByGlobalNorm', 'maxNorm must be > 0');
  return {
    name: 'clipByGlobalNorm',
    apply: (gs) => scope(() => {
      let ss = o.sum(o.square(gs[0]));
      for (const g of gs.slice(1)) ss = o.add(ss, o.sum(o.square(g)));
      const factor = o.div(maxNorm, o.maximum(o.sqrt(ss), maxNorm));
      return gs.map((g) => o.mul(g, factor));
    }),
  };
}

/** Clamps every coordinate to [lo, hi]. */
export function clipByValue(lo: number, hi: number): GradientTransform {
  finite('clipByValue', 'lo', lo); finite('clipByValue', 'hi', hi);
  if (lo > hi) throw new EdgegradError('clipByValue', `lo ${lo} > hi ${hi}`, 'Pass clipByValue(lo, hi) with lo <= hi');
  return { name: 'clipByValue', apply: (gs) => scope(() => gs.map((g) => o.minimum(o.maximum(g, lo), hi))) };
}

/** The q-quantile of |x| (linear interpolation between order statistics, NumPy's default). */
export function absQuantile(x: Float32Array, q: number): number {
  const a = Float64Array.from(x, Math.abs).sort();
  const pos = q * (a.length - 1), lo = Math.floor(pos), hi = Math.ceil(pos);
  return a[lo] + (a[hi] - a[lo]) * (pos - lo);
}

/**
 * Coordinate-wise clipping to [-τ, τ] per tensor: `{ tau }` fixed, or `{ quantile: q }` with τ
 * the q-quantile of |g| over the tensor (the paper's (1 − k) quantile is quantile: 1 − k).
 * The quantile is computed on the host (a readback per leaf per step).
 */
export function coordinateClip(opts: { quantile?: number; tau?: number }): GradientTransform {
  const op = 'coordinateClip';
  if (!opts || typeof opts !== 'object') throw new EdgegradError(op, 'expected { quantile } or { tau }');
  for (const k of Object.keys(opts)) if (k !== 'quantile' && k !== 'tau') throw new EdgegradError(op, `unknown option '${k}'`, 'Known options: quantile, tau');
  const { quantile, tau } = opts;
  if ((quantile === undefined) === (tau === undefined)) throw new EdgegradError(op, 'give exactly one of quantile and tau', 'e.g. coordinateClip({ quantile: 0.9 }) or coordinateClip({ tau: 1 })');
  if (tau !== undefined) { finite(op, 'tau', tau, 0); return { name: op, apply: (gs) => scope(() => gs.map((g) => o.minimum(o.maximum(g, -tau), tau))) }; }
  if (typeof quantile !== 'number' || !(quantile > 0 && quantile <= 1)) throw new EdgegradError(op, `quantile must be in (0, 1], got ${String(quantile)}`);
  const taus: number[] = [];
  return {
    name: op,
    get state() { return { tau: taus.slice() }; },
    apply: (gs) => then(readAll(gs), (hs) => scope(() => gs.map((g, i) => {
      const t = absQuantile(hs[i], quantile);
      taus[i] = t;
      return o.minimum(o.maximum(g, -t), t);
    }))),
  };
}
