// The one list of edgegrad's dtypes and elementwise / reduction ops. Everything else reads
// it: the op layer (which dtypes an op takes), the backends (the js reference and the WGSL
// bodies are Records over these names, so a missing op is a type error), the AssemblyScript
// build (scripts/op-codes.mjs generates assembly/codes.ts from this file and fails the build
// when a kernel's dispatch lacks a case), and the tests (they iterate these tables).
//
// An op's numeric code is its position here: the wire format between runtime/backends/wasm
// and assembly/. This file must stay free of imports (the build script evaluates it alone).

export const DTYPES = {
  float32: { bytes: 4, array: Float32Array },
  int32: { bytes: 4, array: Int32Array },
  uint8: { bytes: 1, array: Uint8Array },
} as const;

/** `int`: also defined on int32 (exact there); the rest compute in float32. */
export const UNARY_OPS = {
  neg: { int: true },
  abs: { int: true },
  sign: { int: true },
  exp: { int: false },
  log: { int: false },
  sqrt: { int: false },
  rsqrt: { int: false },
  tanh: { int: false },
  sigmoid: { int: false },
  relu: { int: false },
  gelu: { int: false },
  sin: { int: false },
  cos: { int: false },
  square: { int: true },
  reciprocal: { int: false },
  step: { int: false },
} as const;

/** `compare`: writes uint8 0/1 and passes no gradient. */
export const BINARY_OPS = {
  add: { compare: false },
  sub: { compare: false },
  mul: { compare: false },
  div: { compare: false },
  pow: { compare: false },
  maximum: { compare: false },
  minimum: { compare: false },
  equal: { compare: true },
  notEqual: { compare: true },
  less: { compare: true },
  lessEqual: { compare: true },
  greater: { compare: true },
  greaterEqual: { compare: true },
} as const;

/** `int`: defined on int32; `index`: writes int32 positions (and passes no gradient). */
export const REDUCE_OPS = {
  sum: { int: true, index: false },
  mean: { int: false, index: false },
  max: { int: true, index: false },
  min: { int: true, index: false },
  argmax: { int: true, index: true },
  argmin: { int: true, index: true },
} as const;

/** The fused optimizer updates (runtime/types.ts OptimParams has the state slots of each). */
export const OPTIM_KINDS = {
  sgd: {}, adam: {}, adagrad: {}, lion: {}, diffGrad: {}, sophia: {},
} as const;

export type DType = keyof typeof DTYPES;
export type OptimKind = keyof typeof OPTIM_KINDS;
export type UnaryOp = keyof typeof UNARY_OPS;
export type BinaryOp = keyof typeof BINARY_OPS;
export type ReduceOp = keyof typeof REDUCE_OPS;
type Where<T, K extends string, V> = { [N in keyof T]: T[N] extends Record<K, V> ? N : never }[keyof T];
export type CompareOp = Where<typeof BINARY_OPS, 'compare', true>;
export type ArithOp = Exclude<BinaryOp, CompareOp>;
export type IntUnaryOp = Where<typeof UNARY_OPS, 'int', true>;
export type IndexReduceOp = Where<typeof REDUCE_OPS, 'index', true>;

const names = <T extends object>(t: T) => Object.keys(t) as (keyof T & string)[];
const codesOf = <T extends object>(t: T) =>
  Object.fromEntries(names(t).map((n, i) => [n, i])) as Record<keyof T & string, number>;

export const dtypeNames = names(DTYPES);
export const unaryOps = names(UNARY_OPS);
export const binaryOps = names(BINARY_OPS);
export const reduceOps = names(REDUCE_OPS);
export const dtypeCodes = codesOf(DTYPES);
export const unaryCodes = codesOf(UNARY_OPS);
export const binaryCodes = codesOf(BINARY_OPS);
export const reduceCodes = codesOf(REDUCE_OPS);
export const optimCodes = codesOf(OPTIM_KINDS);

export const isCompare = (op: BinaryOp): op is CompareOp => BINARY_OPS[op].compare;
export const isIntUnary = (op: UnaryOp): op is IntUnaryOp => UNARY_OPS[op].int;
export const isIndexReduce = (op: ReduceOp): op is IndexReduceOp => REDUCE_OPS[op].index;
export const bytesPerElement = (d: DType): number => DTYPES[d].bytes;

export type TypedArray = Float32Array | Int32Array | Uint8Array;
/** A fresh zeroed array of `n` elements of `d`. */
export const makeTyped = (d: DType, n: number): TypedArray => new DTYPES[d].array(n);
/** A view of `n` elements of `d` at `byteOffset` in `buffer`. */
export const typedView = (d: DType, buffer: ArrayBufferLike, byteOffset: number, n: number): TypedArray =>
  new DTYPES[d].array(buffer as ArrayBuffer, byteOffset, n);
/** The dtype a typed array holds, or undefined for other arrays. */
export const dtypeOfArray = (a: unknown): DType | undefined => dtypeNames.find((d) => a instanceof DTYPES[d].array);

/** The tables, as the public `eg.opTable` (tests iterate it: an op without an oracle fails). */
export const opTable = { dtypes: DTYPES, unary: UNARY_OPS, binary: BINARY_OPS, reduce: REDUCE_OPS } as const;
