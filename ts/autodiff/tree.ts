// Parameter collections ("trees"): a Tensor, an array of trees, or a plain object of trees.
// Gradients come back in the same structure.
import { EdgegradError } from '../../runtime/errors.js';
import { Tensor } from '../tensor.js';
import { add, mul, sum } from '../ops/index.js';
import { zeros } from '../creation.js';

export type Tree = Tensor | Tree[] | { [k: string]: Tree };

export function leaves(t: unknown, op: string, acc: Tensor[] = []): Tensor[] {
  if (t instanceof Tensor) acc.push(t);
  else if (Array.isArray(t)) for (const e of t) leaves(e, op, acc);
  else if (t && typeof t === 'object' && Object.getPrototypeOf(t) === Object.prototype) for (const k of Object.keys(t)) leaves((t as Record<string, unknown>)[k], op, acc);
  else throw new EdgegradError(op, `parameters must be Tensors, arrays or plain objects of Tensors; found ${t === null ? 'null' : typeof t}`, 'Wrap numbers with eg.tensor()');
  return acc;
}

/** Rebuilds the structure of `t`, mapping each leaf. */
export function mapTree<T>(t: unknown, f: (x: Tensor, i: number) => T, counter = { i: 0 }): unknown {
  if (t instanceof Tensor) return f(t, counter.i++);
  if (Array.isArray(t)) return t.map((e) => mapTree(e, f, counter));
  const o: Record<string, unknown> = {};
  for (const k of Object.keys(t as object)) o[k] = mapTree((t as Record<string, unknown>)[k], f, counter);
  return o;
}

/** <a, b> summed over every leaf, as a one-element tensor (no readback). */
export function vdot(a: unknown, b: unknown, op: string): Tensor {
  const la = leaves(a, op), lb = leaves(b, op);
  let acc: Tensor | null = null;
  la.forEach((x, i) => { const s = sum(mul(x, lb[i])); acc = acc ? add(acc, s) : s; });
  return acc ?? zeros([]);
}
