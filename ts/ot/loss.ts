// The entropic OT value as a differentiable op. W(a, b, C) = min ⟨P, C⟩ − reg·H(P) equals
// the maximum of the dual ⟨f, a⟩ + ⟨g, b⟩ − reg·Σ exp((f ⊕ g − C)/reg) (plus reg·mass at the
// optimum, where Σ P = mass); by the envelope theorem its gradients are the maximisers:
// ∂W/∂C = P, ∂W/∂a = f, ∂W/∂b = g. A fixed number of log-domain iterations, no readback, so
// it is synchronous and usable inside eg.grad. The rule is `sinkhornLoss` in autodiff/rules.ts.
import type { Tensor } from '../tensor.js';
import * as o from '../ops/index.js';
import { zeros } from '../creation.js';
import { scope } from '../memory.js';
import { defOp } from '../autodiff/tape.js';
import { assertTensor } from '../ops/util.js';
import { softmin } from './softmin.js';
import { checkReg, checkShapes } from './validate.js';
import { planOf } from './sinkhorn.js';

export interface SinkhornLossOptions { reg: number; iterations?: number }

const ZERO_MASS = -1e20;

/** Entropic OT value ⟨P, C⟩ − reg·H(P) after `iterations` Sinkhorn updates: a 0-d tensor, or [batch]. */
export function sinkhornLoss(a: Tensor, b: Tensor, C: Tensor, opts: SinkhornLossOptions): Tensor {
  const op = 'ot.sinkhornLoss';
  for (const [t, name] of [[a, 'a'], [b, 'b'], [C, 'C']] as const) assertTensor(op, t, name);
  const reg = checkReg(op, opts?.reg);
  const iters = opts.iterations ?? 100;
  const { batch, n, m, lead } = checkShapes(op, a, b, C);
  const attrs: Record<string, unknown> = { shapeC: C.shape };
  const out = defOp('sinkhornLoss', [a, b, C], attrs, () => scope(() => {
    const logm = (x: Tensor, len: number) => o.where(o.greater(x, 0), o.mul(o.log(o.maximum(x, 1e-38)), reg), ZERO_MASS).reshape([batch, len]);
    const la = logm(a, n), lb = logm(b, m);
    let g = zeros([batch, m]), f = g;
    for (let it = 0; it < iters; it++) {
      f = o.sub(la, softmin(op, C, g, batch, 1, reg));
      g = o.sub(lb, softmin(op, C, f, batch, 0, reg));
    }
    const plan = planOf(C, f, g, batch, n, m, reg);
    // dual value + reg·mass: equals ⟨P, C⟩ − reg·H(P) at the optimum (mass = Σa)
    const ga = o.where(o.greater(a.reshape([batch, n]), 0), f, 0), gb = o.where(o.greater(b.reshape([batch, m]), 0), g, 0);
    const value = o.add(o.sub(o.add(o.sum(o.mul(ga, a.reshape([batch, n])), -1), o.sum(o.mul(gb, b.reshape([batch, m])), -1)),
      o.mul(o.sum(plan, [1, 2]), reg)), o.mul(o.sum(a.reshape([batch, n]), -1), reg));
    attrs.plan = plan; attrs.f = ga.reshape(a.shape); attrs.g = gb.reshape(b.shape);
    return [value.reshape(lead), attrs.plan as Tensor, attrs.f as Tensor, attrs.g as Tensor];
  })[0]);
  // the recorder kept its own copies of the saved tensors
  for (const k of ['plan', 'f', 'g']) (attrs[k] as Tensor).dispose();
  return out;
}
