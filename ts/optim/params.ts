// Parameter trees as the optimizers see them: a flat list of named leaves, so errors can
// point at the offending leaf ("params.layers[1].w") and grads can be checked leaf by leaf.
import { EdgegradError, fmtShape } from '../../runtime/errors.js';
import { Tensor } from '../tensor.js';

export interface Leaf { path: string; tensor: Tensor }

const isPlain = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;

function describe(v: unknown): string {
  if (v instanceof Tensor) return `a Tensor ${fmtShape(v.shape)}`;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (isPlain(v)) return `an object {${Object.keys(v).join(', ')}}`;
  return v === null ? 'null' : typeof v;
}

/** Leaves of a parameter tree, in the order autodiff's grad returns them. */
export function flatten(tree: unknown, op: string, root = 'params'): Leaf[] {
  const out: Leaf[] = [];
  const walk = (v: unknown, path: string): void => {
    if (v instanceof Tensor) out.push({ path, tensor: v });
    else if (Array.isArray(v)) v.forEach((e, i) => walk(e, `${path}[${i}]`));
    else if (isPlain(v)) for (const k of Object.keys(v)) walk(v[k], `${path}.${k}`);
    else throw new EdgegradError(op, `${path} is ${describe(v)}; parameters must be Tensors, arrays or plain objects of Tensors`, 'Wrap numbers with eg.tensor()');
  };
  walk(tree, root);
  return out;
}

/** Grads leaf by leaf, checked against the parameters' structure, shapes and dtypes. */
export function matchGrads(grads: unknown, params: unknown, op: string): Tensor[] {
  const out: Tensor[] = [];
  const walk = (g: unknown, p: unknown, path: string): void => {
    if (p instanceof Tensor) {
      if (!(g instanceof Tensor)) throw new EdgegradError(op, `grads${path} is ${describe(g)} but the parameter is a Tensor ${fmtShape(p.shape)}`, 'Pass grads in the same structure as the parameters (what eg.grad returns)');
      if (g.isDisposed) throw new EdgegradError(op, `grads${path} was disposed`, 'Keep the gradients alive until step() returns');
      if (g.shape.length !== p.shape.length || g.shape.some((d, i) => d !== p.shape[i]))
        throw new EdgegradError(op, `grads${path} has shape ${fmtShape(g.shape)} but the parameter has shape ${fmtShape(p.shape)}`, 'Pass the gradient of each parameter in its own shape');
      if (g.dtype !== 'float32') throw new EdgegradError(op, `grads${path} is ${g.dtype}; gradients must be float32`, "Cast with .cast('float32')");
      out.push(g);
    } else if (Array.isArray(p)) {
      if (!Array.isArray(g) || g.length !== p.length) throw new EdgegradError(op, `grads${path || ''} is ${describe(g)} but the parameters are an array of ${p.length}`, 'Pass grads in the same structure as the parameters');
      p.forEach((e, i) => walk(g[i], e, `${path}[${i}]`));
    } else {
      const keys = Object.keys(p as object);
      if (!isPlain(g)) throw new EdgegradError(op, `grads${path} is ${describe(g)} but the parameters are an object {${keys.join(', ')}}`, 'Pass grads in the same structure as the parameters');
      const gk = Object.keys(g);
      const missing = keys.filter((k) => !(k in g)), extra = gk.filter((k) => !keys.includes(k));
      if (missing.length || extra.length)
        throw new EdgegradError(op, `grads${path} ${missing.length ? `lacks ${missing.map((k) => `'${k}'`).join(', ')}` : ''}${missing.length && extra.length ? ' and ' : ''}${extra.length ? `has unknown ${extra.map((k) => `'${k}'`).join(', ')}` : ''}`, `Use the parameters' keys: ${keys.join(', ')}`);
      for (const k of keys) walk(g[k], (p as Record<string, unknown>)[k], `${path}.${k}`);
    }
  };
  walk(grads, params, '');
  return out;
}

/** Rebuilds the parameters' structure with one value per leaf. */
export function unflatten<T>(tree: unknown, values: T[]): unknown {
  let i = 0;
  const walk = (v: unknown): unknown => {
    if (v instanceof Tensor) return values[i++];
    if (Array.isArray(v)) return v.map(walk);
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v as object)) o[k] = walk((v as Record<string, unknown>)[k]);
    return o;
  };
  return walk(tree);
}
