// What the fuzzer calls: for every public op, a fast-check arbitrary of its arguments (random
// shapes of rank 0-6 with 0-sized axes, dtypes, broadcast pairs, axes, permutations, slices,
// NaN/Inf) and how to call it. Arguments are plain data ({ tensor: true, shape, dtype, data })
// so the same case can be built in each library instance (one per backend).
import fc from 'fast-check';

// dtypes and the elementwise ops come from the library's op table (eg.opTable): an op added
// there is fuzzed without a change here.
const DTYPES = ['float32', 'int32', 'uint8']; // checked against eg.opTable.dtypes by opsFor()

/** Exports of the package that are not ops on tensors, and why the fuzzer leaves them out. */
export const NOT_FUZZED = {
  'creation (no kernel; tests/conformance/api.test.js)': ['tensor', 'zeros', 'ones', 'full', 'arange', 'eye', 'linspace', 'zerosLike', 'onesLike'],
  'set-up, memory and bookkeeping': ['init', 'initSync', 'backend', 'capabilities', 'calibrate', 'scope', 'dispose', 'keep', 'memory', 'stats', 'resetStats', 'sync', 'print', 'opTable', 'setThresholds'],
  'autodiff (composed of the fuzzed ops; tests/conformance/autodiff.test.js)': ['grad', 'valueAndGrad', 'vjp', 'jvp', 'hvp', 'stopGradient'],
  'namespaces and classes (their own suites)': ['random', 'optim', 'hessian', 'nn', 'ot', 'ode', 'multiview', 'graph', 'completion', 'Tensor', 'EdgegradError'],
  'sparse, solvers, implicit layers (tests/conformance/sparse, solvers, implicit: float64 oracles)': ['sparse', 'segmentSum', 'linalg', 'implicit'],
  'files, quantized weights, language models (tests/conformance/gguf.test.js, llm.test.js, tests/unit/llama-cpp.test.mjs)': ['io', 'quant', 'llm'],
};

const size = (s) => s.reduce((a, b) => a * b, 1);

/** An axis length: mostly 1-4, sometimes 0. Higher ranks get shorter axes (bounded size). */
const dim = (rank) => fc.oneof({ weight: 14, arbitrary: fc.integer({ min: 1, max: rank > 3 ? 2 : 4 }) }, { weight: 1, arbitrary: fc.constant(0) });
export const shapeArb = (minRank = 0, maxRank = 6) => fc.integer({ min: minRank, max: maxRank }).chain((r) => fc.array(dim(r), { minLength: r, maxLength: r }));

// No subnormal inputs: WebGPU may flush them to zero (WGSL allows it), so they differ by design.
const normal = (v) => (v !== 0 && Math.abs(v) < 1.1754943508222875e-38 ? v * 0 : v);
const floatValue = fc.oneof(
  { weight: 12, arbitrary: fc.double({ min: -6, max: 6, noNaN: true }).map((v) => normal(Math.fround(v))) },
  { weight: 2, arbitrary: fc.integer({ min: -4, max: 4 }) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, 0, -0, 1e18, -3e19, -1e-30) },
);
const valueArb = { float32: floatValue, int32: fc.integer({ min: -30, max: 30 }), uint8: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 12 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) }) };

export const tensorOf = (shape, dtype) => fc.array(valueArb[dtype], { minLength: size(shape), maxLength: size(shape) }).map((data) => ({ tensor: true, shape, dtype, data }));
export const tensorArb = (shapes = shapeArb(), dtypes = fc.constantFrom(...DTYPES)) => fc.tuple(shapes, dtypes).chain(([s, d]) => tensorOf(s, d));

/** An axis argument for rank r: in range, out of range (by one), negative, null/undefined, lists. */
const axisArb = (r) => fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -r - 1, max: r }) },
  { weight: 1, arbitrary: fc.constantFrom(undefined, null) },
  { weight: 2, arbitrary: fc.array(fc.integer({ min: -r, max: Math.max(r - 1, 0) }), { maxLength: Math.min(r + 1, 4) }) },
);
const oneAxis = (r) => fc.integer({ min: -r - 1, max: r });

/** Shapes that broadcast to `out` (leading axes dropped, some axes 1), or, now and then, ones that may not. */
const broadcastFrom = (out) => fc.tuple(fc.integer({ min: 0, max: out.length }), fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }))
  .map(([drop, ones]) => out.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)));
const shapePair = (n) => fc.oneof(
  { weight: 7, arbitrary: shapeArb().chain((out) => fc.tuple(...Array.from({ length: n }, () => broadcastFrom(out)))) },
  { weight: 1, arbitrary: fc.tuple(...Array.from({ length: n }, () => shapeArb(0, 3))) },
);
const operand = (shape) => fc.oneof({ weight: 8, arbitrary: tensorArb(fc.constant(shape)) }, { weight: 1, arbitrary: floatValue.filter(Number.isFinite) });

const withTensor = (shapes, dtypes, rest) => tensorArb(shapes, dtypes).chain((x) => rest(x).map((args) => [x, ...args]));
const float = fc.constant('float32');

/** Shapes that `n` elements fit (its prime factors grouped at random, 1s added, a -1 now and
 *  then), or a shape that may not fit. */
const reshapeTarget = (n) => {
  const f = factors(n);
  return fc.oneof(
    { weight: 4, arbitrary: fc.tuple(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: f.length, maxLength: f.length }), fc.integer({ min: -1, max: 3 })).map(([bucket, infer]) => {
      const dims = [1, 1, 1, 1];
      f.forEach((p, i) => { dims[bucket[i]] *= p; });
      const shape = dims.slice(0, Math.max(1, ...bucket.map((b) => b + 1)));
      if (infer >= 0 && infer < shape.length && n > 0) shape[infer] = -1;
      return shape;
    }) },
    { weight: 1, arbitrary: shapeArb(0, 3) },
  );
};
function factors(n) {
  if (n <= 1) return [n];
  const out = [];
  for (let p = 2; n > 1; p++) while (n % p === 0) { out.push(p); n /= p; }
  return out;
}

/** A permutation of r axes, or a broken one. */
const permArb = (r) => fc.oneof(
  { weight: 5, arbitrary: fc.shuffledSubarray([...Array(r).keys()], { minLength: r, maxLength: r }) },
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.array(fc.integer({ min: -1, max: r }), { maxLength: r + 1 }) },
);

const sliceArgs = (shape) => fc.tuple(
  fc.tuple(...shape.map((d) => fc.integer({ min: -d - 1, max: d + 1 }))).chain((b) => fc.integer({ min: 0, max: b.length }).map((k) => b.slice(0, k))),
  fc.tuple(...shape.map((d) => fc.integer({ min: -1, max: d + 1 }))).chain((s) => fc.integer({ min: 0, max: s.length }).map((k) => s.slice(0, k))),
);

/** Tensors that agree off `axis` (and sometimes do not). */
const concatArgs = fc.tuple(shapeArb(0, 4), fc.integer({ min: 1, max: 3 }), fc.constantFrom(...DTYPES)).chain(([s, n, d]) =>
  oneAxis(s.length).chain((ax) => fc.tuple(
    fc.tuple(...Array.from({ length: n }, () => fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: 0, max: 3 }).map((k) => s.map((v, i) => (i === (ax < 0 ? ax + s.length : ax) ? k : v))) },
      { weight: 1, arbitrary: shapeArb(0, 4) },
    ).chain((sh) => fc.constantFrom(d, d, 'float32').chain((dt) => tensorOf(sh, dt))))),
    fc.constant(ax),
  )));

const gatherArgs = withTensor(shapeArb(1, 4), fc.constantFrom(...DTYPES), (x) => oneAxis(x.shape.length).chain((ax) => {
  const n = x.shape[ax < 0 ? ax + x.shape.length : ax] ?? 0;
  return fc.tuple(fc.oneof(
    { weight: 4, arbitrary: fc.array(fc.integer({ min: 0, max: Math.max(n - 1, 0) }), { maxLength: 5 }) },
    { weight: 1, arbitrary: fc.array(fc.integer({ min: -2, max: n + 1 }), { maxLength: 3 }) },
    { weight: 2, arbitrary: shapeArb(0, 2).chain((s) => fc.array(fc.integer({ min: 0, max: Math.max(n - 1, 0) }), { minLength: size(s), maxLength: size(s) }).map((data) => ({ tensor: true, shape: s, dtype: 'int32', data }))) },
  ), fc.constant(ax));
}));

const matmulArgs = fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 }), shapeArb(0, 2), fc.boolean(), fc.boolean(), fc.integer({ min: 0, max: 9 }))
  .chain(([m, n, k, batch, tA, tB, mode]) => {
    const b1 = broadcastFrom(batch);
    const aS = b1.map((bs) => (mode === 0 ? [k] : [...bs, ...(tA ? [k, m] : [m, k])]));
    const bS = b1.map((bs) => (mode === 1 ? [k] : [...bs, ...(tB ? [n, k] : [k, n])]));
    const bad = mode === 2 ? shapeArb(0, 3) : null; // a shape that may not fit
    const dt = mode === 3 ? fc.constantFrom(...DTYPES) : float;
    return fc.tuple(tensorArb(aS, dt), tensorArb(bad ?? bS, float), fc.constant({ transposeA: tA, transposeB: tB }));
  });

const normArgs = (withBeta) => withTensor(shapeArb(0, 4), fc.oneof({ weight: 5, arbitrary: float }, { weight: 1, arbitrary: fc.constantFrom(...DTYPES) }), (x) => {
  const c = x.shape[x.shape.length - 1] ?? 1;
  const affine = fc.oneof({ weight: 2, arbitrary: fc.constant(null) }, { weight: 4, arbitrary: tensorArb(fc.constant([c]), float) }, { weight: 1, arbitrary: tensorArb(shapeArb(0, 2), float) });
  return withBeta ? fc.tuple(affine, affine, fc.record({ eps: fc.constantFrom(1e-5, 1e-3) })) : fc.tuple(affine, fc.record({ eps: fc.constantFrom(1e-6, 1e-3) }));
});

const reduceCall = (name) => ({ args: withTensor(shapeArb(), fc.constantFrom(...DTYPES), (x) => fc.tuple(axisArb(x.shape.length), fc.boolean())), call: (eg, [x, a, k]) => eg[name](x, a, k) });
const argCall = (name) => ({ args: withTensor(shapeArb(), fc.constantFrom(...DTYPES), (x) => fc.tuple(fc.option(oneAxis(x.shape.length), { nil: undefined }), fc.boolean())), call: (eg, [x, a, k]) => eg[name](x, a, k) });
const softCall = (name) => ({ args: withTensor(shapeArb(), fc.constantFrom(...DTYPES), (x) => fc.tuple(oneAxis(x.shape.length))), call: (eg, [x, a]) => eg[name](x, a) });

/** name -> { args: arbitrary of the argument list, call(eg, builtArgs), family (for tolerances) },
 *  for the library's op table. */
export function opsFor(table) {
  const dtypes = Object.keys(table.dtypes);
  if (dtypes.join() !== DTYPES.join()) throw new Error(`tests/fuzz/ops.mjs generates ${DTYPES} but eg.opTable has ${dtypes}: teach it the new dtype's values`);
  const UNARY = Object.keys(table.unary), BINARY = Object.keys(table.binary);
  return {
    ...Object.fromEntries(UNARY.map((n) => [n, { args: fc.tuple(tensorArb()), call: (eg, [x]) => eg[n](x), family: 'unary' }])),
    ...Object.fromEntries(BINARY.map((n) => [n, { args: shapePair(2).chain(([a, b]) => fc.tuple(operand(a), operand(b))), call: (eg, [a, b]) => eg[n](a, b), family: 'binary' }])),
    sum: { ...reduceCall('sum'), family: 'reduce' },
    mean: { ...reduceCall('mean'), family: 'reduce' },
    max: reduceCall('max'),
    min: reduceCall('min'),
    argmax: argCall('argmax'),
    argmin: argCall('argmin'),
    softmax: { ...softCall('softmax'), family: 'unary' },
    logSoftmax: { ...softCall('logSoftmax'), family: 'unary' },
    logSumExp: { args: withTensor(shapeArb(), fc.constantFrom(...DTYPES), (x) => fc.tuple(axisArb(x.shape.length), fc.boolean())), call: (eg, [x, a, k]) => eg.logSumExp(x, a, k), family: 'reduce' },
    matmul: { args: matmulArgs, call: (eg, [a, b, o]) => eg.matmul(a, b, o), family: 'reduce' },
    layerNorm: { args: normArgs(true), call: (eg, [x, g, b, o]) => eg.layerNorm(x, g, b, o), family: 'reduce' },
    rmsNorm: { args: normArgs(false), call: (eg, [x, g, o]) => eg.rmsNorm(x, g, o), family: 'reduce' },
    reshape: { args: withTensor(shapeArb(), fc.constantFrom(...DTYPES), (x) => fc.tuple(reshapeTarget(size(x.shape)))), call: (eg, [x, s]) => eg.reshape(x, s) },
    flatten: { args: fc.tuple(tensorArb()), call: (eg, [x]) => eg.flatten(x) },
    transpose: { args: withTensor(shapeArb(), fc.constantFrom(...DTYPES), (x) => fc.tuple(permArb(x.shape.length))), call: (eg, [x, p]) => eg.transpose(x, p) },
    broadcastTo: { args: shapeArb(0, 5).chain((out) => fc.tuple(fc.oneof({ weight: 5, arbitrary: broadcastFrom(out) }, { weight: 1, arbitrary: shapeArb(0, 3) }).chain((s) => tensorArb(fc.constant(s))), fc.constant(out))), call: (eg, [x, s]) => eg.broadcastTo(x, s) },
    slice: { args: withTensor(shapeArb(), fc.constantFrom(...DTYPES), (x) => sliceArgs(x.shape)), call: (eg, [x, b, s]) => eg.slice(x, b, s) },
    concat: { args: concatArgs, call: (eg, [xs, ax]) => eg.concat(xs, ax) },
    stack: { args: fc.tuple(shapeArb(0, 4), fc.integer({ min: 1, max: 3 })).chain(([s, n]) => fc.tuple(fc.tuple(...Array.from({ length: n }, () => fc.oneof({ weight: 6, arbitrary: fc.constant(s) }, { weight: 1, arbitrary: shapeArb(0, 4) }).chain((sh) => tensorArb(fc.constant(sh))))), oneAxis(s.length + 1))), call: (eg, [xs, ax]) => eg.stack(xs, ax) },
    gather: { args: gatherArgs, call: (eg, [x, i, ax]) => eg.gather(x, i, ax) },
    where: { args: shapePair(3).chain(([c, a, b]) => fc.tuple(tensorArb(fc.constant(c)), operand(a), operand(b))), call: (eg, [c, a, b]) => eg.where(c, a, b) },
    expandDims: { args: withTensor(shapeArb(0, 5), fc.constantFrom(...DTYPES), (x) => fc.tuple(fc.integer({ min: -x.shape.length - 2, max: x.shape.length + 1 }))), call: (eg, [x, a]) => eg.expandDims(x, a) },
    squeeze: { args: withTensor(shapeArb(), fc.constantFrom(...DTYPES), (x) => fc.tuple(axisArb(x.shape.length))), call: (eg, [x, a]) => eg.squeeze(x, a) },
    cast: { args: withTensor(shapeArb(), fc.constantFrom(...DTYPES), () => fc.tuple(fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...DTYPES) }, { weight: 1, arbitrary: fc.constant('float64') }))), call: (eg, [x, d]) => eg.cast(x, d) },
    clone: { args: fc.tuple(tensorArb()), call: (eg, [x]) => eg.clone(x) },
  };
}

const t = (shape, data, dtype = 'float32') => ({ tensor: true, shape, dtype, data });
/** Cases the fuzzer once found (issue 6 and since): checked first in every run. */
export const REGRESSIONS = [
  ['softmax', [t([], [1.5]), 0]],
  ['logSoftmax', [t([], [1.5]), 0]],
  ['logSumExp', [t([], [1.5]), 0, false]],
  ['concat', [[t([], [1]), t([], [2])], 0]],
  ['sum', [t([], [3]), 0, false]],
  ['mean', [t([], [3]), 0, true]],
  ['argmax', [t([], [0]), 0, true]],
  ['gather', [t([1, 0], [], 'uint8'), t([], [0], 'int32'), -1]],
  ['sin', [t([3], [1e30, -3e38, 20000.5])]],
  ['cos', [t([2], [1e18, 16385])]],
  ['div', [t([2], [0, 1]), t([1, 1, 3], [0, 1, 2], 'uint8')]],
  ['where', [t([2], [1, 0], 'uint8'), t([3], [1, 2, 3], 'int32'), 1.5]],
  ['matmul', [t([2], [1, 2]), t([3, 1], [1, 2, 3]), {}]],
  ['stack', [[t([1], [1]), t([], [2])], 0]],
];
