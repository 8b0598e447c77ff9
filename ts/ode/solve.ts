// Adaptive explicit Runge–Kutta 5(4) integration on tensors. Every stage is a tensor op, so
// a trace records the accepted steps and eg.grad differentiates the solution (and the
// regulariser) w.r.t. y0 and params. Step sizes are data-dependent, hence the readback of one
// scalar per step and the async API.
import { EdgegradError, fmtShape } from '../../runtime/errors.js';
import { engine } from '../../runtime/engine.js';
import { Tensor } from '../tensor.js';
import * as o from '../ops/index.js';
import { isRecording } from '../autodiff/tape.js';
import { tableaus, type OdeMethod, type Tableau } from './tableaus.js';

export type OdeFunction<P> = (t: number, y: Tensor, params: P) => Tensor;

export interface OdeOptions<P> {
  method?: OdeMethod;
  rtol?: number;
  atol?: number;
  /** Times (ascending, within [t0, t1]) at which to report y, by the Hermite interpolant of each step. */
  saveAt?: readonly number[];
  /** Most steps (accepted + rejected) before giving up with an error. Default 10000. */
  maxSteps?: number;
  params?: P;
  /** 'errorEstimate': Σ over accepted steps of E·h; 'local': h·E of one step drawn at random. */
  regularize?: null | 'errorEstimate' | 'local';
  /** Initial step; chosen by Hairer's heuristic when absent. */
  h0?: number;
  /** Picks the step 'local' regularises (a uniform draw in [0, 1)). Default Math.random. */
  random?: () => number;
}

export interface OdeResult {
  t: number[];
  y: Tensor[];
  stats: { nfe: number; accepted: number; rejected: number };
  /** The regulariser as a 0-d tensor (null without `regularize`). */
  regularization: Tensor | null;
}

const SAFETY = 0.9, MIN_FACTOR = 0.2, MAX_FACTOR = 10;
// PI controller gains (Gustafsson / Söderlind) for a 5(4) pair: factor = e^-(0.7/5) · e_prev^(0.4/5)
const ALPHA = 0.7 / 5, BETA = 0.4 / 5;

/** rms(x / (atol + rtol·max(|a|, |b|))) as a 0-d tensor. */
function scaledRms(x: Tensor, a: Tensor, b: Tensor, atol: number, rtol: number): Tensor {
  const sc = o.add(o.mul(o.maximum(o.abs(a), o.abs(b)), rtol), atol);
  return o.sqrt(o.mean(o.square(o.div(x, sc))));
}

/** Σ w_i·k_i over the nonzero weights. */
function combine(ks: Tensor[], w: number[]): Tensor | null {
  let acc: Tensor | null = null;
  w.forEach((wi, i) => { if (wi !== 0 && ks[i]) { const t = o.mul(ks[i], wi); acc = acc ? o.add(acc, t) : t; } });
  return acc;
}

/** Cubic Hermite interpolant on [ta, tb] from the end values and slopes. */
function hermite(ta: number, tb: number, ya: Tensor, yb: Tensor, fa: Tensor, fb: Tensor, t: number): Tensor {
  const h = tb - ta, s = (t - ta) / h, s2 = s * s, s3 = s2 * s;
  const h00 = 2 * s3 - 3 * s2 + 1, h10 = s3 - 2 * s2 + s, h01 = -2 * s3 + 3 * s2, h11 = s3 - s2;
  return o.add(o.add(o.mul(ya, h00), o.mul(fa, h10 * h)), o.add(o.mul(yb, h01), o.mul(fb, h11 * h)));
}

function check<P>(f: unknown, y0: unknown, span: unknown, opts: OdeOptions<P>): [number, number] {
  const op = 'ode.solve';
  if (typeof f !== 'function') throw new EdgegradError(op, `f must be a function (t, y, params) => Tensor, got ${typeof f}`, 'Pass the right-hand side as a function');
  if (!(y0 instanceof Tensor) || y0.dtype !== 'float32') throw new EdgegradError(op, `y0 must be a float32 Tensor, got ${y0 instanceof Tensor ? `${y0.dtype} ${fmtShape(y0.shape)}` : typeof y0}`, 'Create it with eg.tensor([...])');
  if (!Array.isArray(span) || span.length !== 2 || !span.every(Number.isFinite) || !(span[1] > span[0]))
    throw new EdgegradError(op, `the time span must be [t0, t1] with finite t0 < t1, got ${JSON.stringify(span)}`, 'Integrate forward in time: pass [t0, t1] with t1 > t0');
  if (opts.method !== undefined && !(opts.method in tableaus)) throw new EdgegradError(op, `unknown method '${String(opts.method)}'`, `Use one of ${Object.keys(tableaus).join(', ')}`);
  if (opts.regularize != null && opts.regularize !== 'errorEstimate' && opts.regularize !== 'local') throw new EdgegradError(op, `unknown regularize '${String(opts.regularize)}'`, "Use null, 'errorEstimate' or 'local'");
  for (const k of ['rtol', 'atol'] as const) if (opts[k] !== undefined && !(opts[k]! >= 0)) throw new EdgegradError(op, `${k} must be >= 0, got ${opts[k]}`, 'Pass a non-negative tolerance');
  const s = opts.saveAt;
  if (s && (!s.every(Number.isFinite) || s.some((t, i) => t < span[0] || t > span[1] || (i > 0 && t < s[i - 1]))))
    throw new EdgegradError(op, `saveAt must be ascending times within [${span[0]}, ${span[1]}]`, 'Sort saveAt and keep it inside the time span');
  return [span[0], span[1]];
}

/**
 * eg.ode.solve(f, y0, [t0, t1], opts): integrates y' = f(t, y, params) with an adaptive 5(4)
 * Runge–Kutta pair (PI step control). Differentiable w.r.t. y0 and params under eg.grad.
 */
export async function solve<P = unknown>(f: OdeFunction<P>, y0: Tensor, span: readonly [number, number], opts: OdeOptions<P> = {}): Promise<OdeResult> {
  const [t0, t1] = check(f, y0, span, opts);
  const tab: Tableau = tableaus[opts.method ?? 'dopri5'];
  const rtol = opts.rtol ?? 1e-6, atol = opts.atol ?? 1e-9, maxSteps = opts.maxSteps ?? 10000;
  const params = opts.params as P, rand = opts.random ?? Math.random;
  const stats = { nfe: 0, accepted: 0, rejected: 0 };
  const rhs = (t: number, y: Tensor): Tensor => {
    stats.nfe++;
    const d = f(t, y, params);
    if (!(d instanceof Tensor) || d.shape.join() !== y.shape.join())
      throw new EdgegradError('ode.solve', `f must return a Tensor shaped like y ${fmtShape(y.shape)}, got ${d instanceof Tensor ? fmtShape(d.shape) : typeof d}`, 'Return dy/dt with the shape of y');
    return d;
  };
  // Intermediates of rejected steps, and of accepted ones when no trace needs them, are freed as we go.
  const tracing = isRecording();
  const free = (ts: (Tensor | null | undefined)[], keep: Tensor[]): void => {
    if (tracing) return;
    for (const t of ts) if (t && !keep.includes(t) && t !== y0 && !t.isDisposed) t.dispose();
  };
  const local = <T>(fn: () => T, keep: (r: T) => Tensor[]): T => (tracing ? fn() : engine.scope(fn, keep));

  let fa = rhs(t0, y0);
  let h = opts.h0 ?? await initialStep(rhs, t0, y0, fa, tab.order, rtol, atol, t1 - t0, local, free);
  const saveAt = opts.saveAt ?? null;
  const outT: number[] = saveAt ? [] : [t0], outY: Tensor[] = saveAt ? [] : [y0];
  let next = 0;
  if (saveAt) while (next < saveAt.length && saveAt[next] === t0) { outT.push(t0); outY.push(o.clone(y0)); next++; }

  let t = t0, y = y0, ePrev = 1, reg: Tensor | null = null;
  const localPick = opts.regularize === 'local' ? t0 + rand() * (t1 - t0) : NaN;
  while (t < t1) {
    if (stats.accepted + stats.rejected >= maxSteps)
      throw new EdgegradError('ode.solve', `reached maxSteps = ${maxSteps} at t = ${t} (step ${h.toExponential(2)})`, 'Raise maxSteps, loosen rtol/atol, or check f for stiffness or a blow-up');
    const last = t + h >= t1 || (t1 - (t + h)) < 1e-12 * Math.abs(t1);
    const hh = last ? t1 - t : h, tc = t, yc = y, fc = fa;
    const st = local(() => {
      const ks: Tensor[] = [fc];
      let yNew = yc;
      for (let s = 1; s < tab.c.length; s++) {
        const yi = o.add(yc, o.mul(combine(ks, tab.a[s - 1])!, hh));
        ks.push(rhs(tc + tab.c[s] * hh, yi));
        yNew = yi; // the last stage is evaluated at the new point (FSAL)
      }
      const err = o.mul(combine(ks, tab.e)!, hh);
      return { ks, yNew, eT: scaledRms(err, yc, yNew, atol, rtol) };
    }, (r) => [...r.ks, r.yNew, r.eT]);
    const fNew = st.ks[st.ks.length - 1];
    const e = (await st.eT.data())[0];
    if (!Number.isFinite(e)) throw new EdgegradError('ode.solve', `the error estimate is ${e} at t = ${t} (NaN or Inf in f or y)`, 'Check f for a blow-up; smaller steps (h0) or tighter tolerances may help');
    if (e <= 1) {
      stats.accepted++;
      const tn = t + hh;
      if (saveAt) {
        while (next < saveAt.length && saveAt[next] <= tn) {
          const ts = saveAt[next++];
          outT.push(ts);
          outY.push(local(() => (ts === tn ? o.clone(st.yNew) : hermite(tc, tn, yc, st.yNew, fc, fNew, ts)), (r) => [r]));
        }
      }
      const prevReg: Tensor | null = reg;
      if (opts.regularize === 'errorEstimate') reg = local<Tensor>(() => (prevReg ? o.add(prevReg, o.mul(st.eT, hh)) : o.mul(st.eT, hh)), (r) => [r]);
      else if (opts.regularize === 'local' && !reg && localPick <= tn) reg = local<Tensor>(() => o.mul(st.eT, hh), (r) => [r]);
      free([st.eT, prevReg === reg ? null : prevReg, ...st.ks.slice(0, -1), y === y0 ? null : y], [st.yNew, fNew]);
      t = tn; y = st.yNew; fa = fNew;
      const factor = e === 0 ? MAX_FACTOR : SAFETY * e ** -ALPHA * ePrev ** BETA;
      h = hh * Math.min(MAX_FACTOR, Math.max(MIN_FACTOR, factor));
      ePrev = Math.max(e, 1e-4);
    } else {
      stats.rejected++;
      free([st.eT, st.yNew, ...st.ks.slice(1)], [fa]);
      h = hh * Math.min(1, Math.max(MIN_FACTOR, SAFETY * e ** -ALPHA));
    }
  }
  if (!saveAt) { outT.push(t1); outY.push(y); } else free([y === y0 ? null : y], []);
  free([fa], []);
  return { t: outT, y: outY, stats, regularization: opts.regularize ? reg ?? o.mul(y0.sum(), 0) : null };
}

/** Hairer, Nørsett & Wanner's starting step (Solving ODEs I, II.4): two evaluations of f. */
type Local = <T>(fn: () => T, keep: (r: T) => Tensor[]) => T;
async function initialStep(rhs: (t: number, y: Tensor) => Tensor, t0: number, y0: Tensor, f0: Tensor, order: number, rtol: number, atol: number, span: number, local: Local, free: (ts: Tensor[], keep: Tensor[]) => void): Promise<number> {
  const rms = (x: Tensor): Tensor => o.sqrt(o.mean(o.square(o.div(x, o.add(o.mul(o.abs(y0), rtol), atol)))));
  const read = async (x: Tensor): Promise<Float32Array> => { const v = await x.data() as Float32Array; free([x], []); return v; };
  const [d0, d1] = await read(local(() => o.stack([rms(y0), rms(f0)]), (r) => [r]));
  const h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1;
  const d2 = (await read(local(() => rms(o.sub(rhs(t0 + h0, o.add(y0, o.mul(f0, h0))), f0)), (r) => [r])))[0] / h0;
  const h1 = Math.max(d1, d2) <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : (0.01 / Math.max(d1, d2)) ** (1 / order);
  return Math.min(100 * h0, h1, span);
}
