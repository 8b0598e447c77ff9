// Parameter trees treated as one flat vector: the Krylov and Hutchinson loops only need
// dot products, leafwise maps and fresh random directions shaped like the parameters.
import type { Tensor } from '../tensor.js';
import * as o from '../ops/index.js';
import { zeros } from '../creation.js';
import { Key, rademacher, split } from '../random.js';
import { leaves, mapTree, vdot, type Tree } from '../autodiff/tree.js';

export const leavesOf = (t: Tree, op: string): Tensor[] => leaves(t, op);
export const mapLeaves = (t: Tree, f: (x: Tensor, i: number) => Tensor): Tree => mapTree(t, f) as Tree;

/** A Rademacher ±1 tree shaped like x, one independent stream per leaf. */
export function rademacherLike(key: Key, x: Tree, op: string): Tree {
  const ls = leavesOf(x, op);
  const keys = split(key, ls.length);
  return mapLeaves(x, (t, i) => rademacher(keys[i], t.shape));
}

export function zerosLike(x: Tree): Tree { return mapLeaves(x, (t) => zeros(t.shape)); }

/** <a, b> over every leaf, as a one-element tensor (no readback). */
export const dot = (a: Tree, b: Tree, op: string): Tensor => vdot(a, b, op);

export function size(x: Tree, op: string): number { return leavesOf(x, op).reduce((n, t) => n + t.size, 0); }
