// AdaGrad-Norm: one scalar step size for the whole model, b² += ‖g‖² (all leaves together),
// p -= lr·g / sqrt(b²). The update per leaf is plain SGD with lr/b, so the fused path is the
// sgd kernel once b² is known on the host; b² itself stays on the device otherwise.
import { scope } from '../memory.js';
import { EdgegradError } from '../../runtime/errors.js';
import type { Tensor } from '../tensor.js';
import type { Tree } from '../autodiff/tree.js';
import * as o from '../ops/index.js';
import { Optimizer, baseScalars, type LearningRate, type OptimizerState, type Rule, type StepOptions } from './optimizer.js';
import { assign, stateLike } from './assign.js';
import { canFuse, fusedUpdate } from './update.js';

export interface AdagradNormOptions { lr: LearningRate; fused: boolean; initialAccumulator: number }

const rule: Rule<AdagradNormOptions> = {
  kind: 'sgd',
  spec: { lr: { def: 1e-2, check: 'lr' }, initialAccumulator: { def: 1e-2, check: 'pos' } },
  slots: () => [null, null, null],
  scalars: (_o, _t, lr) => ({ ...baseScalars, lr }),
};

export class AdagradNorm<P = any> extends Optimizer<AdagradNormOptions, P> {
  private b2: Tensor;
  constructor(params: P, options: unknown) {
    super('adagradNorm', params, options, rule);
    this.b2 = stateLike(this.leaves[0].tensor, this.options.initialAccumulator, []);
  }

  override stepLeaves(gs: Tensor[], _so: StepOptions = {}): void {
    const lr = this.lr;
    if (!(Number.isFinite(lr) && lr >= 0)) throw new EdgegradError(`${this.name}.step`, `the learning rate is ${lr}`, 'Use a finite lr >= 0');
    this.t++;
    scope(() => {
      let total: Tensor = this.b2;
      for (const g of gs) total = o.add(total, o.sum(o.square(g)));
      assign(this.b2, total === this.b2 ? o.clone(total) : total);
      const host = this.b2.storage.backend.isCPU ? this.b2.dataSync()[0] : NaN;
      this.leaves.forEach((l, i) => {
        const p = l.tensor;
        if (this.options.fused && !Number.isNaN(host) && canFuse(p, gs[i], [null, null, null])) {
          fusedUpdate(p, gs[i], [null, null, null], { ...baseScalars, kind: 'sgd', size: p.size, lr: lr / Math.sqrt(host) });
          this.launches.fused++;
        } else {
          assign(p, o.sub(p, o.mul(gs[i], o.mul(o.rsqrt(this.b2), lr))));
          this.launches.composed++;
        }
      });
      return null;
    });
  }

  override get state(): OptimizerState { return { ...super.state, sumSquares: this.b2 }; }
  override dispose(): void { super.dispose(); this.b2.dispose(); }
}

/** AdaGrad-Norm: lr 1e-2, initialAccumulator (b0²) 1e-2. */
export const adagradNorm = <P extends Tree>(params: P, options: Partial<AdagradNormOptions> = {}): AdagradNorm<P> => new AdagradNorm(params, options);
