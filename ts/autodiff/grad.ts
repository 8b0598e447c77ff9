// Reverse-mode autodiff on a tape. Every public op records one node (ts/autodiff/tape.ts);
// a trace keeps the nodes whose inputs depend on the traced parameters, and the backward
// pass runs the rules in reverse with the same public ops, so backward passes are
// recorded by any enclosing trace: that is all grad-of-grad (hvp, jvp) needs.
import { EdgegradError, fmtShape } from '../../runtime/errors.js';
import { engine } from '../../runtime/engine.js';
import { Tensor } from '../tensor.js';
import { ones, zeros } from '../creation.js';
import * as o from '../ops/index.js';
import { setRecorder, type Recorder } from './tape.js';
import { rules, type Rule } from './rules.js';
import { leaves, mapTree, vdot, type Tree } from './tree.js';
import { collect } from '../memory.js';

interface Node { op: string; inputs: Tensor[]; output: Tensor; attrs: Record<string, unknown> }

class Trace {
  nodes: Node[] = [];
  tracked = new Set<Tensor>();
}

const traces: Trace[] = [];

const recordAll: Recorder = (op, inputs, output, attrs) => {
  let own: Record<string, unknown> | null = null;
  for (const tr of traces) {
    if (inputs.some((x) => tr.tracked.has(x))) {
      own ??= ownAttrs(attrs);
      tr.nodes.push({ op, inputs, output, attrs: own });
      tr.tracked.add(output);
    }
  }
};

/**
 * Tensors in attrs (gather's indices) may be temporaries the op frees right after recording
 * (e.g. indices given as a JS array): the node keeps its own copy, which the trace's scope
 * (or vjp's dispose) frees with the other intermediates.
 */
function ownAttrs(attrs: Record<string, unknown>): Record<string, unknown> {
  if (!Object.values(attrs).some((v) => v instanceof Tensor)) return attrs;
  const prev = setRecorder(null);
  try {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(attrs)) out[k] = v instanceof Tensor ? o.clone(v) : v;
    return out;
  } finally { setRecorder(prev); }
}

function withTrace<T>(tr: Trace, fn: () => T): T {
  traces.push(tr);
  const prev = setRecorder(recordAll);
  try { return fn(); } finally { traces.pop(); setRecorder(traces.length ? recordAll : prev === recordAll ? null : prev); }
}

/** Cotangents of `wrt` given the cotangent `seed` of `out`. Unreached inputs get zeros. */
function backward(tr: Trace, out: Tensor, seed: Tensor, wrt: Tensor[]): Tensor[] {
  const grads = new Map<Tensor, Tensor>([[out, seed]]);
  for (let i = tr.nodes.length - 1; i >= 0; i--) {
    const n = tr.nodes[i];
    const g = grads.get(n.output);
    if (!g) continue;
    const rule = (rules as Partial<Record<string, Rule>>)[n.op];
    if (!rule) throw new EdgegradError('grad', `no gradient rule for op '${n.op}'`, 'Wrap the non-differentiable part in eg.stopGradient()');
    const gi = rule(g, n.inputs, n.output, n.attrs);
    n.inputs.forEach((x, k) => {
      const d = gi[k];
      if (!d || !tr.tracked.has(x)) return;
      const prev = grads.get(x);
      grads.set(x, prev ? o.add(prev, d) : d);
    });
  }
  return wrt.map((x) => {
    const g = grads.get(x);
    if (!g) return zeros(x.shape);
    // a gradient that is the parameter itself or shared with another leaf must be its own tensor
    return g === x || wrt.filter((w) => grads.get(w) === g).length > 1 ? o.clone(g) : g;
  });
}

function argList(argnums: number | number[] | undefined, nargs: number, op: string): number[] {
  const list = argnums === undefined ? [0] : typeof argnums === 'number' ? [argnums] : argnums;
  for (const a of list) if (!Number.isInteger(a) || a < 0 || a >= nargs) throw new EdgegradError(op, `argnums ${JSON.stringify(argnums)} out of range for ${nargs} argument(s)`, 'Pick argument positions of the function');
  return list;
}

function checkLeaves(op: string, ls: Tensor[]): void {
  for (const t of ls) if (t.dtype !== 'float32') throw new EdgegradError(op, `can only differentiate float32 parameters, got ${t.dtype} ${fmtShape(t.shape)}`, "Cast with .cast('float32') or leave it out via argnums");
}

/** Runs the trace in a scope when it is the outermost one, so intermediates are freed. */
function managed<T>(fn: () => T, keep: (r: T) => Tensor[]): T {
  return traces.length ? fn() : engine.scope(fn, keep);
}

export interface GradOptions { argnums?: number | number[] }

function isAsync(f: unknown): boolean {
  return (f as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] === 'AsyncFunction';
}

function checkValue(op: string, value: unknown): asserts value is Tensor {
  if (value && typeof (value as { then?: unknown }).then === 'function')
    throw new EdgegradError(op, 'the function returned a Promise but is not declared async', 'Declare it `async (...) => ...` so the trace stays open until it settles');
  if (!(value instanceof Tensor) || value.size !== 1)
    throw new EdgegradError(op, `the function must return a one-element tensor, got ${value instanceof Tensor ? `${value.dtype} ${fmtShape(value.shape)}` : typeof value}`, 'Reduce the output to a scalar (e.g. .sum() or .mean())');
}

let asyncTracing = false;

/**
 * The async variant: the trace stays open across the awaits of f. One async trace at a time
 * (the recorder is global and cannot tell two interleaved traces apart). The outermost one
 * frees what it made, except the value and the gradients, when it settles.
 */
async function vgAsync(f: (...args: unknown[]) => Promise<Tensor>, args: unknown[], nums: number[], opts: GradOptions, op: string): Promise<[Tensor, unknown]> {
  if (asyncTracing) throw new EdgegradError(op, 'another async gradient is being traced', 'Await it first: async traces run one at a time');
  asyncTracing = true;
  const before = traces.length ? null : new Set(engine.live);
  let result: [Tensor, unknown] | undefined;
  try {
    const tr = new Trace();
    const groups = nums.map((i) => leaves(args[i], op));
    groups.forEach((g) => checkLeaves(op, g));
    for (const g of groups) for (const t of g) tr.tracked.add(t);
    traces.push(tr);
    const prev = setRecorder(recordAll);
    let value: unknown;
    try { value = await f(...args); } finally {
      traces.splice(traces.lastIndexOf(tr), 1);
      setRecorder(traces.length ? recordAll : prev === recordAll ? null : prev);
    }
    checkValue(op, value);
    const flat = backward(tr, value, ones(value.shape), groups.flat());
    let k = 0;
    const trees = nums.map((i) => mapTree(args[i], () => flat[k++]));
    result = [value, nums.length === 1 && typeof opts.argnums !== 'object' ? trees[0] : trees];
    return result;
  } finally {
    asyncTracing = false;
    if (before) {
      const kept = new Set<unknown>(result ? [result[0], ...collect(result[1], [])] : []);
      for (const t of [...engine.live]) if (!before.has(t) && !kept.has(t) && !t.isDisposed) t.dispose();
    }
  }
}

function vg(f: (...args: never[]) => Tensor, opts: GradOptions, op: string): (...args: unknown[]) => [Tensor, unknown] | Promise<[Tensor, unknown]> {
  return (...args: unknown[]): [Tensor, unknown] | Promise<[Tensor, unknown]> => {
    const nums = argList(opts.argnums, args.length, op);
    if (isAsync(f)) return vgAsync(f as never, args, nums, opts, op);
    return managed(() => {
      const tr = new Trace();
      const groups = nums.map((i) => leaves(args[i], op));
      groups.forEach((g) => checkLeaves(op, g));
      for (const g of groups) for (const t of g) tr.tracked.add(t);
      const value = withTrace(tr, () => (f as (...a: unknown[]) => Tensor)(...args));
      checkValue(op, value);
      const flat = backward(tr, value, ones(value.shape), groups.flat());
      let k = 0;
      const trees = nums.map((i) => mapTree(args[i], () => flat[k++]));
      return [value, nums.length === 1 && typeof opts.argnums !== 'object' ? trees[0] : trees] as [Tensor, unknown];
    }, ([v, g]) => [v, ...collect(g, [])]);
  };
}

/** The gradients for `argnums` N of arguments A: one tree, or a tuple of trees for a list. */
export type GradsOf<A extends unknown[], N> = N extends readonly number[] ? { -readonly [K in keyof N]: A[N[K] & number] } : N extends number ? A[N] : A[0];

/**
 * eg.grad(f)(...args): the gradient of scalar f w.r.t. args[argnums] (default 0), in the same
 * structure and type as that argument: `grad((p: { w: Tensor }) => ...)(params).w`. An async f
 * (e.g. one that awaits eg.ode.solve) gives a Promise of the gradient.
 */
export function grad<P extends Tree, R extends unknown[] = []>(f: (p: P, ...rest: R) => Promise<Tensor>): (p: P, ...rest: R) => Promise<P>;
export function grad<A extends unknown[], const N extends number | readonly number[]>(f: (...args: A) => Promise<Tensor>, opts: { argnums: N }): (...args: A) => Promise<GradsOf<A, N>>;
export function grad<P extends Tree, R extends unknown[] = []>(f: (p: P, ...rest: R) => Tensor): (p: P, ...rest: R) => P;
export function grad<A extends unknown[], const N extends number | readonly number[]>(f: (...args: A) => Tensor, opts: { argnums: N }): (...args: A) => GradsOf<A, N>;
export function grad(f: (...args: never[]) => Tensor | Promise<Tensor>, opts: GradOptions = {}): (...args: never[]) => unknown {
  const h = vg(f as (...args: never[]) => Tensor, opts, 'grad');
  const drop = ([v, g]: [Tensor, unknown]): unknown => {
    if (!traces.length) v.dispose();
    return g;
  };
  return (...args: unknown[]) => {
    const r = h(...args);
    return r instanceof Promise ? r.then(drop) : drop(r);
  };
}

/** eg.valueAndGrad(f)(...args) -> [value, grads], grads typed as in eg.grad (a Promise of them for an async f). */
export function valueAndGrad<P extends Tree, R extends unknown[] = []>(f: (p: P, ...rest: R) => Promise<Tensor>): (p: P, ...rest: R) => Promise<[Tensor, P]>;
export function valueAndGrad<A extends unknown[], const N extends number | readonly number[]>(f: (...args: A) => Promise<Tensor>, opts: { argnums: N }): (...args: A) => Promise<[Tensor, GradsOf<A, N>]>;
export function valueAndGrad<P extends Tree, R extends unknown[] = []>(f: (p: P, ...rest: R) => Tensor): (p: P, ...rest: R) => [Tensor, P];
export function valueAndGrad<A extends unknown[], const N extends number | readonly number[]>(f: (...args: A) => Tensor, opts: { argnums: N }): (...args: A) => [Tensor, GradsOf<A, N>];
export function valueAndGrad(f: (...args: never[]) => Tensor | Promise<Tensor>, opts: GradOptions = {}): (...args: never[]) => unknown {
  return vg(f as (...args: never[]) => Tensor, opts, 'valueAndGrad');
}

/** eg.vjp(f, x) -> [f(x), ct => cotangent for x]. Call `.dispose()` on the function to free the saved forward pass. */
export function vjp<P extends Tree>(f: (x: P) => Tensor, x: P): [Tensor, ((ct: Tensor) => P) & { dispose(): void }] {
  const tr = new Trace();
  const ls = leaves(x, 'vjp');
  checkLeaves('vjp', ls);
  for (const t of ls) tr.tracked.add(t);
  const made: Tensor[] = [];
  const before = new Set(engine.live);
  const out = withTrace(tr, () => f(x));
  for (const t of engine.live) if (!before.has(t) && t !== out) made.push(t as Tensor);
  const fn = ((ct: Tensor): P => {
    if (!(ct instanceof Tensor) || ct.shape.length !== out.shape.length || ct.shape.some((d, i) => d !== out.shape[i]))
      throw new EdgegradError('vjp', `cotangent must have the output's shape ${fmtShape(out.shape)}`, 'Pass a tensor shaped like f(x)');
    return managed(() => { const flat = backward(tr, out, ct, ls); return mapTree(x, (_, i) => flat[i]) as P; }, (g) => collect(g, []));
  }) as ((ct: Tensor) => P) & { dispose(): void };
  fn.dispose = () => { for (const t of made) t.dispose(); };
  return [out, fn];
}


function checkSame(op: string, x: Tree, v: Tree): void {
  const lx = leaves(x, op), lv = leaves(v, op);
  if (lx.length !== lv.length || lx.some((t, i) => t.shape.join() !== lv[i].shape.join()))
    throw new EdgegradError(op, `the tangent must have the structure and shapes of x (${lx.map((t) => fmtShape(t.shape)).join(' ')} vs ${lv.map((t) => fmtShape(t.shape)).join(' ')})`, 'Pass v shaped like x');
}

/** Hessian-vector product of scalar f at x along v (grad of <grad f, v>). */
export function hvp<P extends Tree>(f: (x: P) => Tensor, x: P, v: P): P {
  checkSame('hvp', x, v);
  return grad((y: P) => vdot(grad(f)(y), v, 'hvp'))(x);
}

/** Forward-mode product [f(x), J v], by transposing the (linear) VJP. */
export function jvp<P extends Tree>(f: (x: P) => Tensor, x: P, v: P): [Tensor, Tensor] {
  checkSame('jvp', x, v);
  return managed(() => {
    const out0 = f(x);
    const u = zeros(out0.shape);
    // <vjp(u), v> is linear in u; its gradient w.r.t. u is J v
    const jv = grad((uu: Tensor) => vdot(vjpInner(f, x, uu), v, 'jvp'))(u);
    return [out0, jv] as [Tensor, Tensor];
  }, (r) => r);
}

function vjpInner<P extends Tree>(f: (x: P) => Tensor, x: P, ct: Tensor): Tree {
  const tr = new Trace();
  const ls = leaves(x, 'jvp');
  for (const t of ls) tr.tracked.add(t);
  const out = withTrace(tr, () => f(x));
  const flat = backward(tr, out, ct, ls);
  return mapTree(x, (_, i) => flat[i]) as Tree;
}

/** The same values, cut off from differentiation. */
export function stopGradient(x: Tensor): Tensor {
  const prev = setRecorder(null);
  try { return o.clone(x); } finally { setRecorder(prev); }
}
