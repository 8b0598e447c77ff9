// One optimizer update of one parameter tensor, two ways: the fused `optimStep` kernel (in
// place on p and state, one pass) and the same arithmetic composed from public ops, for
// backends without the kernel (webgpu before its optim shader, or `{ fused: false }`).
// Both read the same OptimParams, so the composed path is checked against the fused one.
import { scope } from '../memory.js';
import { engine } from '../../runtime/engine.js';
import type { OptimParams } from '../../runtime/types.js';
import type { Tensor } from '../tensor.js';
import * as o from '../ops/index.js';
import { assign } from './assign.js';

export type Slots = [Tensor | null, Tensor | null, Tensor | null];

/** Whether p's backend can run the fused update (natively, or the js reference on a CPU heap). */
export function canFuse(p: Tensor, g: Tensor, slots: Slots): boolean {
  const b = p.storage.backend;
  const others = [g, ...slots].filter((t): t is Tensor => !!t);
  // inputs are moved to p's backend; only CPU storage can be moved synchronously
  if (others.some((t) => t.storage.backend !== b && !t.storage.backend.isCPU)) return false;
  if (b.kernels.optimStep) return true;
  return b.isCPU && engine.fallback !== 'error';
}

export function fusedUpdate(p: Tensor, g: Tensor, slots: Slots, q: OptimParams): void {
  const ps = p.live('optim');
  const slot = (i: number) => slots[i]?.live('optim') ?? null;
  engine.run('optim', 'optimStep', [ps, g.live('optim'), slot(0), slot(1), slot(2)], 'float32', p.size, q, ps);
}

const sgn = (x: Tensor): Tensor => o.sign(x);

/** The js reference's arithmetic, op by op; results are moved into p and the slots. */
export function composedUpdate(p: Tensor, g0: Tensor, slots: Slots, q: OptimParams): void {
  const [s0, s1, s2] = slots;
  const { lr, wd, b1, b2, eps } = q;
  scope(() => {
    let pn: Tensor = p, g: Tensor = g0;
    if (wd !== 0) { if (q.decoupled) pn = o.mul(p, 1 - lr * wd); else g = o.add(g0, o.mul(p, wd)); }
    const out: [Tensor | null, Tensor | null, Tensor | null] = [null, null, null];
    switch (q.kind) {
      case 'sgd': {
        let d = g;
        if (q.momentum !== 0) {
          const buf = q.first ? o.clone(g) : o.add(o.mul(s0!, q.momentum), o.mul(g, 1 - q.dampening));
          out[0] = buf;
          d = q.nesterov ? o.add(g, o.mul(buf, q.momentum)) : buf;
        }
        pn = o.sub(pn, o.mul(d, lr));
        break;
      }
      case 'adam': {
        const m = o.add(o.mul(s0!, b1), o.mul(g, 1 - b1));
        const v = o.add(o.mul(s1!, b2), o.mul(o.square(g), 1 - b2));
        out[0] = m; out[1] = v;
        let vv = v;
        if (q.amsgrad) { vv = o.maximum(s2!, v); out[2] = vv; }
        const den = o.add(o.div(o.sqrt(vv), Math.sqrt(q.bc2)), eps);
        pn = o.sub(pn, o.mul(o.div(m, den), lr / q.bc1));
        break;
      }
      case 'adagrad': {
        const s = o.add(s0!, o.square(g));
        out[0] = s;
        pn = o.sub(pn, o.mul(o.div(g, o.add(o.sqrt(s), eps)), lr));
        break;
      }
      case 'lion': {
        const c = o.add(o.mul(s0!, b1), o.mul(g, 1 - b1));
        pn = o.sub(pn, o.mul(sgn(c), lr));
        out[0] = o.add(o.mul(s0!, b2), o.mul(g, 1 - b2));
        break;
      }
      case 'diffGrad': {
        const m = o.add(o.mul(s0!, b1), o.mul(g, 1 - b1));
        const v = o.add(o.mul(s1!, b2), o.mul(o.square(g), 1 - b2));
        const dfc = o.sigmoid(o.abs(o.sub(s2!, g)));
        out[0] = m; out[1] = v; out[2] = o.clone(g);
        const step = o.div(o.mul(m, dfc), o.add(o.sqrt(v), eps));
        pn = o.sub(pn, o.mul(step, lr * Math.sqrt(q.bc2) / q.bc1));
        break;
      }
      case 'sophia': {
        const m = o.add(o.mul(s0!, b1), o.mul(g, 1 - b1));
        out[0] = m;
        const ratio = o.minimum(o.div(o.abs(m), o.add(o.mul(s1!, q.rhoBs), 1e-15)), 1);
        pn = o.sub(pn, o.mul(o.mul(sgn(m), ratio), lr));
        break;
      }
    }
    // assign() moves storage: never hand it a tensor the caller still owns
    if (pn === p) pn = o.clone(p);
    assign(p, pn);
    out.forEach((t, i) => { if (t) assign(slots[i]!, t === g0 ? o.clone(t) : t); });
    return null;
  });
}
