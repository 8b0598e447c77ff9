import { EdgegradError, fmtShape } from '../runtime/errors.js';

export const sizeOf = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

export function stridesOf(s: readonly number[]): number[] {
  const st = new Array<number>(s.length);
  let acc = 1;
  for (let i = s.length - 1; i >= 0; i--) { st[i] = acc; acc *= s[i]; }
  return st;
}

export function broadcastShapes(op: string, ...shapes: (readonly number[])[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const ax = rank - s.length + i, d = s[i];
      if (d === out[ax] || d === 1) continue;
      if (out[ax] === 1) { out[ax] = d; continue; }
      throw new EdgegradError(op, `shapes ${shapes.map(fmtShape).join(' and ')} cannot be broadcast (axis ${ax - rank}: ${out[ax]} vs ${d})`, 'Trailing dimensions must match or be 1; reshape or expandDims one operand');
    }
  }
  return out;
}

/** Element strides of `s` seen through the broadcast to `out` (0 on broadcast axes). */
export function broadcastStrides(s: readonly number[], out: readonly number[]): number[] {
  const st = stridesOf(s);
  const r = out.length - s.length;
  return out.map((_, ax) => (ax < r || s[ax - r] === 1 ? 0 : st[ax - r]));
}

export { collapse } from '../runtime/layout.js';

/** A 0-d tensor has no axis to name (NumPy raises AxisError for axis=0 there too). */
export function normAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank)
    throw new EdgegradError(op, `axis ${axis} is out of range for rank ${rank}`, rank ? `Use an integer in [${-rank}, ${rank - 1}]` : 'A 0-d tensor has no axes: leave the axis out, or reshape it to [1]');
  return axis < 0 ? axis + rank : axis;
}

export function normAxes(op: string, axis: number | readonly number[] | undefined | null, rank: number): number[] {
  if (axis === undefined || axis === null) return [...Array(rank).keys()];
  const list = (typeof axis === 'number' ? [axis] : [...axis]).map((a) => normAxis(op, a, rank));
  if (new Set(list).size !== list.length) throw new EdgegradError(op, `axis ${JSON.stringify(axis)} repeats an axis`, 'List each axis once');
  return list.sort((a, b) => a - b);
}

export function checkShape(op: string, shape: readonly number[]): void {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0))
    throw new EdgegradError(op, `invalid shape ${JSON.stringify(shape)}`, 'A shape is an array of non-negative integers');
}
