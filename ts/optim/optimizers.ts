// The optimizers of shared/references/optimizers.md: defaults and update rules as there
// (PyTorch semantics for SGD, Adam, AdamW, Adagrad). The arithmetic itself lives in the
// fused kernel (runtime/backends/*/optim) and its composed twin (update.ts).
import { EdgegradError } from '../../runtime/errors.js';
import type { Tree } from '../autodiff/tree.js';
import { Optimizer, baseScalars, type LearningRate, type Rule } from './optimizer.js';

type Betas = [number, number];
interface Common { lr: LearningRate; fused: boolean }

export interface SGDOptions extends Common { momentum: number; dampening: number; nesterov: boolean; weightDecay: number }
export interface AdamOptions extends Common { betas: Betas; eps: number; weightDecay: number; amsgrad: boolean }
export interface AdagradOptions extends Common { lrDecay: number; initialAccumulator: number; eps: number; weightDecay: number }
export interface LionOptions extends Common { betas: Betas; weightDecay: number }
export interface DiffGradOptions extends Common { betas: Betas; eps: number; weightDecay: number }

const sgdRule: Rule<SGDOptions> = {
  kind: 'sgd',
  spec: { lr: { def: undefined, check: 'lr' }, momentum: { def: 0, check: 'nonneg' }, dampening: { def: 0, check: 'num' }, nesterov: { def: false, check: 'bool' }, weightDecay: { def: 0, check: 'nonneg' } },
  slots: (o) => [o.momentum !== 0 ? 'momentumBuffer' : null, null, null],
  scalars: (o, t, lr) => ({ ...baseScalars, lr, wd: o.weightDecay, momentum: o.momentum, dampening: o.dampening, nesterov: o.nesterov, first: t === 1 }),
};

const adamSpec = (wd: number) => ({
  lr: { def: 1e-3, check: 'lr' }, betas: { def: [0.9, 0.999], check: 'betas' }, eps: { def: 1e-8, check: 'nonneg' },
  weightDecay: { def: wd, check: 'nonneg' }, amsgrad: { def: false, check: 'bool' },
}) as const;
const adamRule = (decoupled: boolean): Rule<AdamOptions> => ({
  kind: 'adam',
  spec: adamSpec(decoupled ? 1e-2 : 0),
  slots: (o) => ['m', 'v', o.amsgrad ? 'vmax' : null],
  scalars: (o, t, lr) => ({ ...baseScalars, lr, wd: o.weightDecay, decoupled, b1: o.betas[0], b2: o.betas[1], eps: o.eps, amsgrad: o.amsgrad, bc1: 1 - o.betas[0] ** t, bc2: 1 - o.betas[1] ** t }),
});

const adagradRule: Rule<AdagradOptions> = {
  kind: 'adagrad',
  spec: { lr: { def: 1e-2, check: 'lr' }, lrDecay: { def: 0, check: 'nonneg' }, initialAccumulator: { def: 0, check: 'nonneg' }, eps: { def: 1e-10, check: 'nonneg' }, weightDecay: { def: 0, check: 'nonneg' } },
  slots: () => ['sum', null, null],
  init: (_s, o) => o.initialAccumulator,
  // the kernel takes lrDecay folded into lr
  scalars: (o, t, lr) => ({ ...baseScalars, lr: lr / (1 + (t - 1) * o.lrDecay), wd: o.weightDecay, eps: o.eps }),
};

const lionRule: Rule<LionOptions> = {
  kind: 'lion',
  spec: { lr: { def: 1e-4, check: 'lr' }, betas: { def: [0.9, 0.99], check: 'betas' }, weightDecay: { def: 0, check: 'nonneg' } },
  slots: () => ['m', null, null],
  scalars: (o, _t, lr) => ({ ...baseScalars, lr, wd: o.weightDecay, decoupled: true, b1: o.betas[0], b2: o.betas[1] }),
};

const diffGradRule: Rule<DiffGradOptions> = {
  kind: 'diffGrad',
  spec: { lr: { def: 1e-3, check: 'lr' }, betas: { def: [0.9, 0.999], check: 'betas' }, eps: { def: 1e-8, check: 'nonneg' }, weightDecay: { def: 0, check: 'nonneg' } },
  slots: () => ['m', 'v', 'previousGrad'],
  scalars: (o, t, lr) => ({ ...baseScalars, lr, wd: o.weightDecay, b1: o.betas[0], b2: o.betas[1], eps: o.eps, bc1: 1 - o.betas[0] ** t, bc2: 1 - o.betas[1] ** t }),
};

function required(name: string, options: unknown): void {
  if (!options || typeof options !== 'object' || (options as { lr?: unknown }).lr === undefined)
    throw new EdgegradError(name, 'option lr is required', `Pass it: eg.optim.${name}(params, { lr: 0.01 })`);
}

/** SGD with momentum, dampening, Nesterov and L2 weight decay (PyTorch semantics; lr required). */
export function sgd<P extends Tree>(params: P, options: Partial<SGDOptions> & { lr: LearningRate }): Optimizer<SGDOptions, P> {
  required('sgd', options);
  const opt = new Optimizer('sgd', params, options, sgdRule);
  if (opt.options.nesterov && (opt.options.momentum <= 0 || opt.options.dampening !== 0))
    throw new EdgegradError('sgd', 'Nesterov momentum requires momentum > 0 and dampening 0', 'Set momentum (e.g. 0.9) and leave dampening at 0');
  return opt;
}
/** Adam (L2 weight decay, optional AMSGrad). Defaults lr 1e-3, betas [0.9, 0.999], eps 1e-8. */
export const adam = <P extends Tree>(params: P, options: Partial<AdamOptions> = {}): Optimizer<AdamOptions, P> => new Optimizer('adam', params, options, adamRule(false));
/** AdamW: Adam with decoupled weight decay (default 1e-2) applied first as p *= 1 - lr·wd. */
export const adamw = <P extends Tree>(params: P, options: Partial<AdamOptions> = {}): Optimizer<AdamOptions, P> => new Optimizer('adamw', params, options, adamRule(true));
/** Adagrad (PyTorch): lr 1e-2, lrDecay 0, initialAccumulator 0, eps 1e-10 outside the sqrt. */
export const adagrad = <P extends Tree>(params: P, options: Partial<AdagradOptions> = {}): Optimizer<AdagradOptions, P> => new Optimizer('adagrad', params, options, adagradRule);
/** Lion: sign of interpolated momentum; lr 1e-4, betas [0.9, 0.99], decoupled weight decay. */
export const lion = <P extends Tree>(params: P, options: Partial<LionOptions> = {}): Optimizer<LionOptions, P> => new Optimizer('lion', params, options, lionRule);
/** diffGrad (v2): Adam damped by sigmoid(|g_prev - g|); eps not bias-corrected. */
export const diffGrad = <P extends Tree>(params: P, options: Partial<DiffGradOptions> = {}): Optimizer<DiffGradOptions, P> => new Optimizer('diffGrad', params, options, diffGradRule);
