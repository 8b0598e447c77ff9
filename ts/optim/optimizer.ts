// Stateful optimizers over a parameter tree. Each step runs ONE update per parameter tensor:
// the backend's fused `optimStep` kernel when it has one (or the js reference on a CPU heap),
// else the same update composed from ops (see update.ts). Parameters are updated in place:
// the Tensor objects the caller holds see the new values.
import { EdgegradError } from '../../runtime/errors.js';
import type { OptimKind, OptimParams } from '../../runtime/types.js';
import type { Tensor } from '../tensor.js';
import { flatten, matchGrads, unflatten, type Leaf } from './params.js';
import { readOptions, type Spec } from './options.js';
import { stateLike } from './assign.js';
import { canFuse, composedUpdate, fusedUpdate, type Slots } from './update.js';

/** A learning-rate schedule: lr for the step about to run, given how many steps were done. */
export type Schedule = (step: number) => number;
export type LearningRate = number | Schedule;

export interface StepOptions {
  /** Tokens/samples in the batch (SophiaG's bs). */
  batchSize?: number;
  /** SophiaH: the loss as a function of the parameter tree, for the Hutchinson estimate. */
  lossFn?: (params: any) => Tensor;
}

export interface OptimizerState {
  /** Steps taken so far. */
  step: number;
  /** Per parameter, its state tensors by name, in the parameters' structure. */
  slots: unknown;
  [extra: string]: unknown;
}

/** What distinguishes one optimizer from another: option spec, state slots, kernel scalars. */
export interface Rule<O> {
  kind: OptimKind;
  spec: Spec;
  /** Names of the kernel's s0, s1, s2 (null = unused). */
  slots(o: O): [string | null, string | null, string | null];
  /** Initial value of a slot (0 unless said). */
  init?(slot: string, o: O): number;
  /** The kernel scalars for step t (1-based) at learning rate lr. */
  scalars(o: O, t: number, lr: number, so: StepOptions): Omit<OptimParams, 'size' | 'kind'>;
}

export const baseScalars = { lr: 0, wd: 0, decoupled: false, b1: 0, b2: 0, eps: 0, momentum: 0, dampening: 0, nesterov: false, first: false, bc1: 1, bc2: 1, amsgrad: false, rhoBs: 0 };

/** P: the parameter tree's type; step() takes gradients of the same type (what eg.grad returns). */
export class Optimizer<O extends { lr: LearningRate; fused: boolean } = any, P = any> {
  readonly name: string;
  readonly params: P;
  readonly options: Readonly<O>;
  /** @internal */ leaves: Leaf[];
  /** @internal */ slotNames: [string | null, string | null, string | null];
  /** @internal */ slots: Slots[];
  protected t = 0;
  private lrValue: LearningRate;
  private disposed = false;
  /** @internal counts how each leaf update ran, for tests and benchmarks */
  readonly launches = { fused: 0, composed: 0 };

  constructor(name: string, params: P, options: unknown, protected rule: Rule<O>) {
    this.name = name;
    this.options = readOptions<O>(name, options, { ...rule.spec, fused: { def: true, check: 'bool' } });
    this.lrValue = this.options.lr;
    if (params === undefined) throw new EdgegradError(name, 'no parameters given', `Call eg.optim.${name}(params, options) with a Tensor, an array or an object of Tensors`);
    this.params = params;
    this.leaves = flatten(params, name);
    if (!this.leaves.length) throw new EdgegradError(name, 'the parameter tree has no tensors', 'Pass the tensors to optimize');
    for (const l of this.leaves) {
      if (l.tensor.isDisposed) throw new EdgegradError(name, `${l.path} was disposed`, 'Pass live tensors');
      if (l.tensor.dtype !== 'float32') throw new EdgegradError(name, `${l.path} is ${l.tensor.dtype}; optimizers update float32 parameters`, "Cast it with .cast('float32')");
    }
    const seen = new Set<Tensor>();
    for (const l of this.leaves) { if (seen.has(l.tensor)) throw new EdgegradError(name, `${l.path} appears twice in the parameter tree`, 'List each tensor once'); seen.add(l.tensor); }
    this.slotNames = rule.slots(this.options);
    this.slots = this.leaves.map((l) => this.makeSlots(l.tensor));
  }

  /** @internal */
  makeSlots(p: Tensor): Slots {
    return this.slotNames.map((n) => (n ? stateLike(p, this.rule.init?.(n, this.options) ?? 0) : null)) as Slots;
  }

  /** The learning rate the next step will use. Settable between steps (a number or a schedule). */
  get lr(): number { return typeof this.lrValue === 'function' ? this.lrValue(this.t) : this.lrValue; }
  set lr(v: LearningRate) {
    readOptions(this.name, { lr: v }, { lr: { def: undefined, check: 'lr' } });
    this.lrValue = v;
  }

  get stepCount(): number { return this.t; }

  get state(): OptimizerState {
    return { step: this.t, slots: unflatten(this.params, this.slots.map((s) => this.namedSlots(s))) };
  }

  protected namedSlots(s: Slots): Record<string, Tensor> {
    const r: Record<string, Tensor> = {};
    this.slotNames.forEach((n, i) => { if (n && s[i]) r[n] = s[i]!; });
    return r;
  }

  protected alive(op: string): void {
    if (this.disposed) throw new EdgegradError(op, 'the optimizer was disposed', 'Create a new one');
  }

  /** One update of every parameter from `grads` (same structure as the parameters). */
  step(grads: P, so: StepOptions = {}): void {
    const op = `${this.name}.step`;
    this.alive(op);
    const gs = matchGrads(grads, this.params, op);
    this.stepLeaves(gs, so);
  }

  /** @internal the update on already-checked gradient leaves (transforms call this) */
  stepLeaves(gs: Tensor[], so: StepOptions = {}): void {
    const lr = this.lr;
    if (!(Number.isFinite(lr) && lr >= 0)) throw new EdgegradError(`${this.name}.step`, `the learning rate is ${lr}`, 'Use a finite lr >= 0 (check the schedule)');
    this.t++;
    const sc = this.rule.scalars(this.options, this.t, lr, so);
    this.leaves.forEach((l, i) => this.updateLeaf(l.tensor, gs[i], this.slots[i], { ...sc, kind: this.rule.kind, size: l.tensor.size }));
  }

  /** @internal */
  updateLeaf(p: Tensor, g: Tensor, slots: Slots, q: OptimParams): void {
    if (this.options.fused && canFuse(p, g, slots)) { fusedUpdate(p, g, slots, q); this.launches.fused++; }
    else { composedUpdate(p, g, slots, q); this.launches.composed++; }
  }

  /** @internal projection transforms optimize a stand-in for a leaf (its low-rank shadow) */
  replaceLeaf(i: number, t: Tensor): void {
    for (const s of this.slots[i]) s?.dispose();
    this.leaves[i] = { path: this.leaves[i].path, tensor: t };
    this.slots[i] = this.makeSlots(t);
  }

  /** Frees the state tensors (not the parameters). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const s of this.slots) for (const t of s) t?.dispose();
  }
  [Symbol.dispose](): void { this.dispose(); }
}
