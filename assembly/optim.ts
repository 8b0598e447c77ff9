// The fused optimizer update (runtime/types.ts OptimParams): one pass that reads p, g and
// the state slots once and writes p and the state once, in place. The formulas are the
// js reference's (runtime/backends/js/optim.ts) evaluated in f32x4 lanes.
// Kind codes: assembly/codes.ts (from runtime/ops-table.ts). Null slots are 0.
import { vsigmoid, fsplat } from './vmath';
import { OPTIM_SGD, OPTIM_ADAM, OPTIM_ADAGRAD, OPTIM_LION, OPTIM_DIFF_GRAD, OPTIM_SOPHIA } from './codes';
import { TLS_BASE } from './scratch';

// The last < 4 elements are staged here (5 slots of 16 bytes) so that every element sees
// the same vector code.
const TAIL: usize = memory.data(80, 16) + TLS_BASE;

@inline function vsign(x: v128): v128 {
  // ±1 where x is nonzero, 0 at ±0 (and NaN, which the update then ignores like the reference's sign)
  const one = fsplat(1.0);
  const pos = v128.and(one, f32x4.gt(x, fsplat(0.0)));
  const neg = v128.and(fsplat(-1.0), f32x4.lt(x, fsplat(0.0)));
  return v128.or(pos, neg);
}

/** Updates 4 lanes at byte offset o of every array. */
@inline function lanes(kind: i32, p: usize, g: usize, s0: usize, s1: usize, s2: usize, o: usize,
  lr: v128, decay: v128, l2: v128, b1: v128, c1: v128, b2: v128, c2: v128, eps: v128,
  mom: v128, damp: v128, nesterov: bool, first: bool, stepSize: v128, rs: v128, amsgrad: bool, rhoBs: v128): void {
  let pv = f32x4.mul(v128.load(p + o), decay);
  // L2 decay reads the parameter before decoupled decay; only one of the two is ever nonzero
  const gv = f32x4.add(v128.load(g + o), f32x4.mul(l2, v128.load(p + o)));
  if (kind == OPTIM_SGD) {
    let d = gv;
    if (s0) {
      const buf = first ? gv : f32x4.add(f32x4.mul(mom, v128.load(s0 + o)), f32x4.mul(damp, gv));
      v128.store(s0 + o, buf);
      d = nesterov ? f32x4.add(gv, f32x4.mul(mom, buf)) : buf;
    }
    pv = f32x4.sub(pv, f32x4.mul(lr, d));
  } else if (kind == OPTIM_ADAM) {
    const m = f32x4.add(f32x4.mul(b1, v128.load(s0 + o)), f32x4.mul(c1, gv));
    const v = f32x4.add(f32x4.mul(b2, v128.load(s1 + o)), f32x4.mul(c2, f32x4.mul(gv, gv)));
    v128.store(s0 + o, m); v128.store(s1 + o, v);
    let vv = v;
    if (amsgrad) { vv = f32x4.max(v128.load(s2 + o), v); v128.store(s2 + o, vv); }
    const den = f32x4.add(f32x4.mul(f32x4.sqrt(vv), rs), eps);
    pv = f32x4.sub(pv, f32x4.mul(stepSize, f32x4.div(m, den)));
  } else if (kind == OPTIM_ADAGRAD) {
    const s = f32x4.add(v128.load(s0 + o), f32x4.mul(gv, gv));
    v128.store(s0 + o, s);
    pv = f32x4.sub(pv, f32x4.mul(lr, f32x4.div(gv, f32x4.add(f32x4.sqrt(s), eps))));
  } else if (kind == OPTIM_LION) {
    const m = v128.load(s0 + o);
    const c = f32x4.add(f32x4.mul(b1, m), f32x4.mul(c1, gv));
    pv = f32x4.sub(pv, f32x4.mul(lr, vsign(c)));
    v128.store(s0 + o, f32x4.add(f32x4.mul(b2, m), f32x4.mul(c2, gv)));
  } else if (kind == OPTIM_DIFF_GRAD) {
    const m = f32x4.add(f32x4.mul(b1, v128.load(s0 + o)), f32x4.mul(c1, gv));
    const v = f32x4.add(f32x4.mul(b2, v128.load(s1 + o)), f32x4.mul(c2, f32x4.mul(gv, gv)));
    const dfc = vsigmoid(f32x4.abs(f32x4.sub(v128.load(s2 + o), gv)));
    v128.store(s0 + o, m); v128.store(s1 + o, v); v128.store(s2 + o, gv);
    pv = f32x4.sub(pv, f32x4.mul(stepSize, f32x4.div(f32x4.mul(m, dfc), f32x4.add(f32x4.sqrt(v), eps))));
  } else if (kind == OPTIM_SOPHIA) {
    const m = f32x4.add(f32x4.mul(b1, v128.load(s0 + o)), f32x4.mul(c1, gv));
    v128.store(s0 + o, m);
    const ratio = f32x4.min(f32x4.div(f32x4.abs(m), f32x4.add(f32x4.mul(rhoBs, v128.load(s1 + o)), fsplat(1e-15))), fsplat(1.0));
    pv = f32x4.sub(pv, f32x4.mul(lr, f32x4.mul(vsign(m), ratio)));
  }
  v128.store(p + o, pv);
}

export function optimStep(kind: i32, p: usize, g: usize, s0: usize, s1: usize, s2: usize, n: i32,
  lr: f64, wd: f64, decoupled: i32, b1: f64, b2: f64, eps: f64, momentum: f64, dampening: f64,
  nesterov: i32, first: i32, bc1: f64, bc2: f64, amsgrad: i32, rhoBs: f64): void {
  // scalars in f64, then one rounding to f32 each
  const decay = fsplat(<f32>(decoupled ? 1 - lr * wd : 1));
  const l2 = fsplat(<f32>(decoupled ? 0 : wd));
  const vlr = fsplat(<f32>lr);
  const vb1 = fsplat(<f32>b1), vc1 = fsplat(<f32>(1 - b1));
  const vb2 = fsplat(<f32>b2), vc2 = fsplat(<f32>(1 - b2));
  const veps = fsplat(<f32>eps);
  const mom = fsplat(<f32>momentum), damp = fsplat(<f32>(1 - dampening));
  // adam: (lr / bc1) · m / (sqrt(v) / sqrt(bc2) + eps); diffGrad: lr·sqrt(bc2)/bc1 · ...
  const stepSize = fsplat(<f32>(kind == OPTIM_DIFF_GRAD ? lr * Math.sqrt(bc2) / bc1 : lr / bc1));
  const rs = fsplat(<f32>(1 / Math.sqrt(bc2)));
  const vrho = fsplat(<f32>rhoBs);
  const nest = nesterov != 0, fst = first != 0, ams = amsgrad != 0;
  const body = n & ~3;
  for (let i = 0; i < body; i += 4) {
    lanes(kind, p, g, s0, s1, s2, <usize>i << 2, vlr, decay, l2, vb1, vc1, vb2, vc2, veps, mom, damp, nest, fst, stepSize, rs, ams, vrho);
  }
  const rest = n - body;
  if (rest == 0) return;
  const off = <usize>body << 2, bytes = <usize>rest << 2;
  const tp = TAIL, tg = TAIL + 16, t0 = s0 ? TAIL + 32 : 0, t1 = s1 ? TAIL + 48 : 0, t2 = s2 ? TAIL + 64 : 0;
  memory.fill(TAIL, 0, 80);
  memory.copy(tp, p + off, bytes); memory.copy(tg, g + off, bytes);
  if (s0) memory.copy(t0, s0 + off, bytes);
  if (s1) memory.copy(t1, s1 + off, bytes);
  if (s2) memory.copy(t2, s2 + off, bytes);
  lanes(kind, tp, tg, t0, t1, t2, 0, vlr, decay, l2, vb1, vc1, vb2, vc2, veps, mom, damp, nest, fst, stepSize, rs, ams, vrho);
  memory.copy(p + off, tp, bytes);
  if (s0) memory.copy(s0 + off, t0, bytes);
  if (s1) memory.copy(s1 + off, t1, bytes);
  if (s2) memory.copy(s2 + off, t2, bytes);
}
