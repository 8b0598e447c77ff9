// Learning-rate schedules: plain functions of the number of steps already taken (0 for the
// first step), so they compose (warmup(n, cosine(...))) and can be passed as `lr`.
import { EdgegradError } from '../../runtime/errors.js';
import type { Schedule } from './optimizer.js';

const num = (op: string, name: string, v: unknown, min = 0): number => {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw new EdgegradError(op, `${name} must be a finite number >= ${min}, got ${String(v)}`);
  return v;
};
const asSchedule = (op: string, s: Schedule | number): Schedule => {
  if (typeof s === 'number') { num(op, 'lr', s); return () => s; }
  if (typeof s !== 'function') throw new EdgegradError(op, `expected a schedule (step => lr) or a number, got ${typeof s}`);
  return s;
};

/** Cosine decay from `peak` to `final` over `steps`, then constant at `final`. */
export function cosine(peak: number, steps: number, opts: { final?: number } = {}): Schedule {
  num('schedules.cosine', 'peak', peak); num('schedules.cosine', 'steps', steps, 1);
  const final = num('schedules.cosine', 'final', opts.final ?? 0);
  return (t) => final + (peak - final) * 0.5 * (1 + Math.cos(Math.PI * Math.min(t, steps) / steps));
}

/** Linear interpolation from `from` to `to` over `steps`, then constant at `to`. */
export function linear(from: number, to: number, steps: number): Schedule {
  num('schedules.linear', 'from', from); num('schedules.linear', 'to', to); num('schedules.linear', 'steps', steps, 1);
  return (t) => from + (to - from) * Math.min(t, steps) / steps;
}

/** Linear warmup over the first n steps (step i gets (i+1)/n of the schedule's start), then
 *  `after` restarted at 0: warmup(100, cosine(1e-3, 900)) spans 1000 steps. */
export function warmup(n: number, after: Schedule | number): Schedule {
  num('schedules.warmup', 'n', n);
  const s = asSchedule('schedules.warmup', after);
  return (t) => (t < n ? s(0) * (t + 1) / n : s(t - n));
}

/** Constant learning rate (for symmetry in composed schedules). */
export const constant = (lr: number): Schedule => asSchedule('schedules.constant', lr);
