// Weight initialisers. Fans follow the `x @ W` convention used by nn.linear: a [in, out]
// matrix has fanIn = in, fanOut = out; extra leading axes (e.g. a conv's receptive field)
// multiply both fans, as in Glorot & Bengio (2010) and He et al. (2015).
import { EdgegradError } from '../../runtime/errors.js';
import type { Tensor } from '../tensor.js';
import { Key, normal, uniform } from '../random.js';

export function fans(shape: readonly number[]): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0], shape[0]];
  const field = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return [shape[shape.length - 2] * field, shape[shape.length - 1] * field];
}

export interface InitOptions { distribution?: 'uniform' | 'normal'; gain?: number }

function checkKey(op: string, key: unknown): void {
  if (!(key instanceof Key)) throw new EdgegradError(op, 'first argument must be a key', 'Make one with eg.random.key(seed)');
}

function scaled(op: string, key: Key, shape: readonly number[], variance: number, dist: 'uniform' | 'normal'): Tensor {
  if (dist === 'normal') return normal(key, shape, { std: Math.sqrt(variance) });
  if (dist !== 'uniform') throw new EdgegradError(op, `unknown distribution '${String(dist)}'`, "Use 'uniform' or 'normal'");
  // U(-a, a) has variance a²/3
  const a = Math.sqrt(3 * variance);
  return uniform(key, shape, { min: -a, max: a });
}

/** Glorot/Xavier: variance gain² · 2 / (fanIn + fanOut); uniform by default. */
export function glorot(key: Key, shape: readonly number[], opts: InitOptions = {}): Tensor {
  checkKey('nn.init.glorot', key);
  const [fi, fo] = fans(shape);
  const g = opts.gain ?? 1;
  return scaled('nn.init.glorot', key, shape, (g * g * 2) / (fi + fo), opts.distribution ?? 'uniform');
}

/** He/Kaiming for ReLU-like activations: variance gain² / fanIn with gain √2; normal by default. */
export function he(key: Key, shape: readonly number[], opts: InitOptions = {}): Tensor {
  checkKey('nn.init.he', key);
  const [fi] = fans(shape);
  const g = opts.gain ?? Math.SQRT2;
  return scaled('nn.init.he', key, shape, (g * g) / fi, opts.distribution ?? 'normal');
}
