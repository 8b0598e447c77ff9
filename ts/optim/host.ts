// Host readback that stays synchronous on CPU backends and becomes a Promise only where the
// data lives on the GPU, so transforms that need host values (quantiles, top-r selection,
// SVD) keep step() synchronous wherever they can.
import type { Tensor } from '../tensor.js';

export type MaybePromise<T> = T | Promise<T>;

export const isPromise = <T>(v: MaybePromise<T>): v is Promise<T> => !!v && typeof (v as { then?: unknown }).then === 'function';

export function then<T, U>(v: MaybePromise<T>, f: (x: T) => MaybePromise<U>): MaybePromise<U> {
  return isPromise(v) ? v.then(f) : f(v);
}

export function readHost(t: Tensor): MaybePromise<Float32Array> {
  return (t.storage.backend.isCPU ? t.dataSync() : t.data()) as MaybePromise<Float32Array>;
}

export function readAll(ts: Tensor[]): MaybePromise<Float32Array[]> {
  const rs = ts.map(readHost);
  return rs.some(isPromise) ? Promise.all(rs) : (rs as Float32Array[]);
}
