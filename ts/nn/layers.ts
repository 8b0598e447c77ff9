// Layers as pure functions over plain parameter objects, so eg.grad and eg.optim see an
// ordinary tree of tensors and nothing is hidden in a module object:
//   const p = nn.linear(4, 3, { key });      // { W: [4, 3], b: [3] }
//   const y = nn.applyLinear(p, x);          // x @ W + b
//   const net = nn.mlp([4, 16, 3], { key }); // { init, apply }
//   const params = net.init(); const logits = net.apply(params, x);
import { EdgegradError } from '../../runtime/errors.js';
import type { Tensor } from '../tensor.js';
import { zeros } from '../creation.js';
import * as o from '../ops/index.js';
import { Key, split } from '../random.js';
import { glorot, he } from './init.js';
import { isRecording } from '../autodiff/tape.js';

export interface LinearParams { W: Tensor; b?: Tensor; [k: string]: Tensor | undefined }
export type Activation = 'relu' | 'tanh' | 'gelu' | 'sigmoid' | 'identity' | ((x: Tensor) => Tensor);
export interface LinearOptions { key: Key; bias?: boolean; init?: 'glorot' | 'he' }

/** Parameters of an affine layer: W [in, out] (Glorot by default), b [out] zeros. */
export function linear(inFeatures: number, outFeatures: number, opts: LinearOptions): LinearParams {
  for (const [n, v] of [['inFeatures', inFeatures], ['outFeatures', outFeatures]] as const)
    if (!Number.isInteger(v) || v <= 0) throw new EdgegradError('nn.linear', `${n} must be a positive integer, got ${v}`, 'e.g. nn.linear(4, 16, { key })');
  if (!opts || !(opts.key instanceof Key)) throw new EdgegradError('nn.linear', 'needs { key }', 'Pass { key: eg.random.key(seed) }');
  const W = (opts.init === 'he' ? he : glorot)(opts.key, [inFeatures, outFeatures]);
  return opts.bias === false ? { W } : { W, b: zeros([outFeatures]) };
}

/** x [..., in] @ W + b. */
export function applyLinear(p: LinearParams, x: Tensor): Tensor {
  const y = o.matmul(x, p.W);
  if (!p.b) return y;
  const out = o.add(y, p.b);
  if (!isRecording()) y.dispose();
  return out;
}

const ACT: Record<string, (x: Tensor) => Tensor> = { relu: o.relu, tanh: o.tanh, gelu: o.gelu, sigmoid: o.sigmoid, identity: o.clone };

function activationFn(a: Activation): (x: Tensor) => Tensor {
  if (typeof a === 'function') return a;
  const f = ACT[a];
  if (!f) throw new EdgegradError('nn.mlp', `unknown activation '${String(a)}'`, `Use one of ${Object.keys(ACT).join(', ')} or a function`);
  return f;
}

export interface MlpOptions { key?: Key; activation?: Activation; bias?: boolean }
export interface Mlp {
  readonly sizes: readonly number[];
  /** Fresh parameters: one { W, b } per layer. `key` defaults to the one given to mlp(). */
  init(key?: Key): LinearParams[];
  /** Logits (no activation after the last layer). */
  apply(params: LinearParams[], x: Tensor): Tensor;
}

/** A multilayer perceptron; He init under relu/gelu, Glorot otherwise. */
export function mlp(sizes: readonly number[], opts: MlpOptions = {}): Mlp {
  if (sizes.length < 2 || sizes.some((s) => !Number.isInteger(s) || s <= 0))
    throw new EdgegradError('nn.mlp', `sizes must be at least [in, out] positive integers, got [${sizes.join(', ')}]`, 'e.g. nn.mlp([4, 16, 3])');
  const actName = opts.activation ?? 'relu';
  const act = activationFn(actName);
  const initKind = actName === 'relu' || actName === 'gelu' ? 'he' : 'glorot';
  const frozen = Object.freeze([...sizes]);
  return {
    sizes: frozen,
    init(key = opts.key) {
      if (!(key instanceof Key)) throw new EdgegradError('nn.mlp', 'init needs a key', 'Pass mlp(sizes, { key }) or net.init(key)');
      const keys = split(key, sizes.length - 1);
      // the output layer is linear: Glorot keeps the initial logits small
      return keys.map((k, i) => linear(sizes[i], sizes[i + 1], { key: k, bias: opts.bias, init: i < keys.length - 1 ? initKind : 'glorot' }));
    },
    apply(params, x) {
      if (!Array.isArray(params) || params.length !== sizes.length - 1)
        throw new EdgegradError('nn.mlp', `expected ${sizes.length - 1} layers of parameters, got ${Array.isArray(params) ? params.length : typeof params}`, 'Pass the array net.init() returned');
      let h = x;
      params.forEach((p, i) => {
        const z = applyLinear(p, h);
        const next = i < params.length - 1 ? act(z) : z;
        if (!isRecording()) { if (h !== x) h.dispose(); if (next !== z) z.dispose(); }
        h = next;
      });
      return h;
    },
  };
}
