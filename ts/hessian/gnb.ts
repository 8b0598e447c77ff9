// The Gauss-Newton-Bartlett estimator SophiaG uses for softmax cross-entropy models
// (Liu et al. 2023, Algorithm 2): sample labels ŷ from the model's own predictive
// distribution, take ĝ = ∇ mean CE(logits, ŷ); then E[B·ĝ⊙ĝ] is the diagonal of the
// Gauss-Newton (Fisher) matrix of the mean loss, because E_ŷ[per-example gradient] = 0.
import { EdgegradError } from '../../runtime/errors.js';
import type { Tensor } from '../tensor.js';
import * as o from '../ops/index.js';
import { scope } from '../memory.js';
import { Key, uniform } from '../random.js';
import { grad, stopGradient } from '../autodiff/grad.js';
import type { Tree } from '../autodiff/tree.js';
import { crossEntropy } from '../nn/losses.js';
import { mapLeaves } from './tree.js';

export interface GnbOptions {
  key: Key;
  /**
   * Multiply ĝ⊙ĝ by the batch size B (the number of logit rows), giving an unbiased estimate
   * of the Fisher diagonal. Default false: the reference SophiaG keeps ĝ⊙ĝ as its hessian
   * state and applies B in the update's denominator (rho·bs·h), so feed the unscaled value to
   * sophiaG's updateHessian.
   */
  scaleByBatch?: boolean;
}

/** Class ids ~ Categorical(softmax(logits)) per row, by the Gumbel-max trick on Philox uniforms. */
export function sampleCategorical(key: Key, logits: Tensor): Tensor {
  return scope(() => {
    const u = o.maximum(uniform(key, logits.shape), 1e-12);
    const gumbel = o.neg(o.log(o.neg(o.log(u))));
    return o.argmax(o.add(stopGradient(logits), gumbel), -1);
  });
}

export function gnb(logitsFn: (params: any) => Tensor, params: Tree, opts: GnbOptions): any {
  if (!opts || !(opts.key instanceof Key)) throw new EdgegradError('hessian.gnb', 'needs { key }', 'Pass { key: eg.random.key(seed) } (a fresh one per call, e.g. foldIn(key, step))');
  let rows = 0;
  return scope(() => {
    const g = grad((p: Tree) => {
      const logits = logitsFn(p);
      if (logits.rank < 1) throw new EdgegradError('hessian.gnb', 'logitsFn must return [..., classes] logits', 'Return the model output before softmax');
      rows = logits.size / logits.shape[logits.rank - 1];
      return crossEntropy(logits, sampleCategorical(opts.key, logits));
    })(params);
    const s = opts.scaleByBatch ? rows : 1;
    return mapLeaves(g as Tree, (t) => o.mul(o.square(t), s));
  });
}
