// The wasm kernels against the js reference on fresh random inputs.
// Needs `node scripts/build.mjs wasm` and `node scripts/build.mjs ts` first.
// Reproduce a failure with EG_SEED=<printed seed> node tests/unit/wasm-kernels.test.mjs
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { createWasmBackendSync, createWasmBackend, relaxedSimdProbe, simdProbe } from '../../build/tsc/runtime/backends/wasm/index.js';
import { jsKernels } from '../../build/tsc/runtime/backends/js/index.js';
import { makeTyped } from '../../build/tsc/runtime/types.js';
import { SEED, mulberry32 } from '../conformance/seeded.js';

const rand = mulberry32(SEED);
const randInt = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));

// per-op tolerances (relative, absolute) against the float64 reference
const TOL = {
  elementwise: [1e-5, 1e-6], transcendental: [1e-5, 1e-6], reduce: [1e-4, 1e-5], matmul: [1e-4, 1e-4], exact: [0, 0],
};

function floats(n, { lo = -3, hi = 3, specials = false } = {}) {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * rand();
  if (specials && n > 4) {
    const sp = [NaN, Infinity, -Infinity, 0, -0];
    for (let j = 0; j < Math.max(1, n >> 5); j++) a[randInt(0, n - 1)] = sp[randInt(0, sp.length - 1)];
  }
  return a;
}
const ints = (n, lo = -50, hi = 50) => Int32Array.from({ length: n }, () => randInt(lo, hi));
const bytes = (n, hi = 255) => Uint8Array.from({ length: n }, () => randInt(0, hi));
const gen = (dtype, n, opts) => (dtype === 'float32' ? floats(n, opts) : dtype === 'int32' ? ints(n) : bytes(n));

function compare(name, got, want, [rtol, atol]) {
  assert.is(got.length, want.length, `${name}: length`);
  for (let i = 0; i < want.length; i++) {
    const g = got[i], w = want[i];
    if (Number.isNaN(w) || Number.isNaN(g)) {
      if (Number.isNaN(w) !== Number.isNaN(g)) assert.unreachable(`${name}[${i}]: got ${g}, want ${w} (seed ${SEED})`);
      continue;
    }
    if (g === w) continue;
    if (!(Math.abs(g - w) <= atol + rtol * Math.abs(w))) assert.unreachable(`${name}[${i}]: got ${g}, want ${w} (seed ${SEED})`);
  }
}

const builds = [{ name: 'simd', file: 'build/edgegrad.wasm' }];
if (WebAssembly.validate(relaxedSimdProbe)) builds.push({ name: 'relaxed', file: 'build/edgegrad.relaxed.wasm' });
else console.log('# relaxed-SIMD build not tested: this engine does not validate it (Node 20 needs --experimental-wasm-relaxed-simd)');

const modules = {};
for (const b of builds) modules[b.name] = await WebAssembly.compile(readFileSync(new URL(`../../${b.file}`, import.meta.url)));

/** Runs `kernel` on the wasm backend and on jsKernels; inputs are typed arrays (or null). */
function both(be, kernel, inputs, outDtype, outSize, p) {
  const hs = inputs.map((x) => {
    if (x === null) return null;
    const dt = x instanceof Float32Array ? 'float32' : x instanceof Int32Array ? 'int32' : 'uint8';
    const h = be.alloc(dt, x.length);
    be.write(h, x);
    return h;
  });
  const oh = be.alloc(outDtype, outSize);
  be.kernels[kernel](...hs, oh, p);
  const got = be.readSync(oh, outDtype, outSize);
  for (const h of hs) if (h) be.free(h);
  be.free(oh);
  const want = makeTyped(outDtype, outSize);
  jsKernels[kernel](...inputs, want, p);
  return { got, want };
}

/** NumPy strides of `shape` broadcast into `outShape` (0 on broadcast axes). */
function bstrides(shape, outShape) {
  const r = outShape.length, s = new Array(r).fill(0);
  let acc = 1;
  for (let i = shape.length - 1, j = r - 1; i >= 0; i--, j--) { s[j] = shape[i] === 1 ? 0 : acc; acc *= shape[i]; }
  return s;
}
const prod = (s) => s.reduce((a, b) => a * b, 1);

for (const build of builds) {
  const { backend: be, simd, relaxedSimd } = createWasmBackendSync(modules[build.name]);
  const T = (name, fn) => test(`[${build.name}] ${name}`, fn);

  T('capabilities and probes', () => {
    assert.is(be.name, 'wasm');
    assert.ok(be.isCPU);
    assert.ok(simd);
    assert.is(relaxedSimd, build.name === 'relaxed');
    assert.ok(WebAssembly.validate(simdProbe));
  });

  T('async factory instantiates the module', async () => {
    const info = await createWasmBackend(modules[build.name]);
    const h = info.backend.alloc('float32', 3);
    info.backend.write(h, new Float32Array([1, 2, 3]));
    assert.equal(Array.from(await info.backend.read(h, 'float32', 3)), [1, 2, 3]);
  });

  T('alloc is zero-filled, free blocks are reused, bytesInUse tracks live storage', () => {
    const before = be.bytesInUse();
    const h = be.alloc('float32', 100);
    assert.is(be.bytesInUse(), before + 400);
    be.write(h, floats(100));
    const keep = be.alloc('int32', 3); // so h is not at the top of the heap
    const ptr = h.ptr;
    be.free(h);
    const h2 = be.alloc('float32', 100);
    assert.is(h2.ptr, ptr, 'same size class reuses the block');
    assert.ok(be.view(h2, 'float32', 100).every((v) => v === 0), 'reused block is zeroed');
    assert.is(h2.ptr % 16, 0, '16-byte aligned');
    be.free(h2); be.free(keep);
    assert.is(be.bytesInUse(), before);
    // a block freed at the top of the heap goes back to the bump region and must come back zeroed
    const t1 = be.alloc('float32', 64);
    be.write(t1, floats(64));
    const tptr = t1.ptr;
    be.free(t1);
    const t2 = be.alloc('uint8', 100); // different size class, same address
    assert.is(t2.ptr, tptr);
    assert.ok(be.view(t2, 'uint8', 100).every((v) => v === 0), 'bump region re-zeroed');
    be.free(t2);
    const u = be.alloc('uint8', 7);
    assert.is(u.ptr % 16, 0);
    be.free(u);
    const z = be.alloc('float32', 0);
    assert.is(be.readSync(z, 'float32', 0).length, 0);
    be.free(z);
  });

  T('binary float32: contiguous, scalar, row/column broadcast, strided, offsets', () => {
    const ops = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual'];
    const cases = [
      [[1], [1], [1]], [[7], [7], [7]], [[130], [130], [130]], [[33], [], [33]], [[], [33], [33]],
      [[33, 17], [17], [33, 17]], [[33, 1], [33, 17], [33, 17]], [[5, 1, 7], [1, 6, 7], [5, 6, 7]],
      [[2, 3, 4, 5], [3, 1, 5], [2, 3, 4, 5]], [[1, 1, 1], [1, 9, 1], [1, 9, 1]],
    ];
    for (const op of ops) {
      for (const [sa, sb, so] of cases) {
        const a = floats(prod(sa), { specials: true }), b = floats(prod(sb), { specials: true });
        if (op === 'pow') { a.forEach((v, i) => { a[i] = Math.abs(v) + 0.1; }); b.forEach((v, i) => { b[i] = (v * 2) | 0 || v; }); }
        if (op === 'equal' || op === 'notEqual') for (let i = 0; i < a.length; i += 3) a[i] = b[i % b.length];
        const p = { op, dtype: 'float32', outShape: so, aStrides: bstrides(sa, so), bStrides: bstrides(sb, so), aOffset: 0, bOffset: 0, size: prod(so) };
        const outD = ['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual'].includes(op) ? 'uint8' : 'float32';
        const { got, want } = both(be, 'binary', [a, b], outD, p.size, p);
        compare(`${op} ${JSON.stringify([sa, sb])}`, got, want, op === 'pow' ? TOL.transcendental : TOL.elementwise);
      }
      if (op === 'pow') { // squared by a broadcast exponent (a fast path), incl. NaN/Inf/-0
        const a = floats(37, { specials: true }), b = new Float32Array([2]);
        const p = { op, dtype: 'float32', outShape: [37], aStrides: [1], bStrides: [0], aOffset: 0, bOffset: 0, size: 37 };
        const { got, want } = both(be, 'binary', [a, b], 'float32', 37, p);
        compare('pow x**2', got, want, TOL.exact);
      }
      // a transposed operand (inner stride != 0, 1) and element offsets
      const m = 9, n = 13;
      const a = floats(m * n + 3), b = floats(n * m + 5);
      if (op === 'pow') a.forEach((v, i) => { a[i] = Math.abs(v); });
      const p = { op, dtype: 'float32', outShape: [m, n], aStrides: [n, 1], bStrides: [1, m], aOffset: 3, bOffset: 5, size: m * n };
      const outD = binaryOutDtype(op, 'float32');
      const { got, want } = both(be, 'binary', [a, b], outD, p.size, p);
      compare(`${op} strided`, got, want, op === 'pow' ? TOL.transcendental : TOL.elementwise);
    }
  });

  T('binary int32 and uint8', () => {
    const ops = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual'];
    for (const dtype of ['int32', 'uint8']) {
      for (const op of ops) {
        for (const [sa, sb, so] of [[[37], [37], [37]], [[4, 19], [19], [4, 19]], [[4, 1], [1, 19], [4, 19]], [[130], [], [130]]]) {
          let a = gen(dtype, prod(sa)), b = gen(dtype, prod(sb));
          if (op === 'pow') { a = a.map((v) => v % 7); b = b.map((v) => v % 9); }
          if (dtype === 'int32' && (op === 'mul' || op === 'add')) { a[0] = 2147483647; b[0] = 3; }
          if (dtype === 'int32' && op === 'div') { a[0] = -2147483648; b[0] = -1; if (b.length > 1) b[1] = 0; }
          const p = { op, dtype, outShape: so, aStrides: bstrides(sa, so), bStrides: bstrides(sb, so), aOffset: 0, bOffset: 0, size: prod(so) };
          const { got, want } = both(be, 'binary', [a, b], binaryOutDtype(op, dtype), p.size, p);
          compare(`${dtype} ${op} ${JSON.stringify([sa, sb])}`, got, want, TOL.exact);
        }
      }
    }
  });

  T('unary float32 (incl. NaN/Inf/-0) and int32', () => {
    const ops = ['neg', 'abs', 'sign', 'exp', 'log', 'sqrt', 'rsqrt', 'tanh', 'sigmoid', 'relu', 'gelu', 'sin', 'cos', 'square', 'reciprocal', 'step'];
    for (const op of ops) {
      for (const n of [1, 3, 7, 33, 130, 1000]) {
        let x = floats(n, { lo: -12, hi: 12, specials: true });
        if (op === 'log' || op === 'sqrt' || op === 'rsqrt') x = x.map((v, i) => (i % 9 === 4 ? -v : Math.abs(v) * 10 ** ((i % 7) - 3)));
        if (op === 'exp') x = x.map((v, i) => (i % 5 === 0 ? v * 9 : v)); // reaches over/underflow
        const { got, want } = both(be, 'unary', [x], 'float32', n, { op, dtype: 'float32', size: n });
        compare(`${op} n=${n}`, got, want, op === 'sin' || op === 'cos' ? [1e-5, 3e-6] : TOL.transcendental);
      }
    }
    const tiny = new Float32Array([1e-40, 3e-39, 1.2e-38, 7e-45, -1e-40]);
    compare('log subnormal', both(be, 'unary', [tiny.map(Math.abs)], 'float32', 5, { op: 'log', dtype: 'float32', size: 5 }).got,
      both(be, 'unary', [tiny.map(Math.abs)], 'float32', 5, { op: 'log', dtype: 'float32', size: 5 }).want, TOL.transcendental);
    for (const op of ['neg', 'abs', 'sign', 'square']) {
      for (const n of [1, 7, 33, 130]) {
        const x = ints(n, -40000, 40000);
        x[0] = -2147483648;
        const { got, want } = both(be, 'unary', [x], 'int32', n, { op, dtype: 'int32', size: n });
        compare(`int32 ${op} n=${n}`, got, want, TOL.exact);
      }
    }
  });

  T('reduce float32 and int32, inner 1 and strided', () => {
    const shapes = [[1, 1, 1], [1, 7, 1], [3, 33, 1], [2, 130, 1], [1, 5000, 1], [2, 7, 3], [3, 33, 17], [1, 130, 40], [2, 1, 5], [2, 9, 64], [1, 20000, 1], [1, 3000, 21]];
    for (const op of ['sum', 'mean', 'max', 'min', 'argmax', 'argmin']) {
      for (const [outer, size, inner] of shapes) {
        for (const dtype of ['float32', 'int32']) {
          if (dtype === 'int32' && op === 'mean') continue;
          const n = outer * size * inner;
          const x = dtype === 'float32' ? floats(n) : ints(n, -1000, 1000);
          if (dtype === 'int32' && n > 3) { x[0] = x[2]; }
          const outD = op.startsWith('arg') ? 'int32' : dtype;
          const p = { op, dtype, outer, size, inner };
          let r = both(be, 'reduce', [x], outD, outer * inner, p);
          compare(`${dtype} ${op} ${[outer, size, inner]}`, r.got, r.want, dtype === 'int32' || op !== 'sum' && op !== 'mean' ? TOL.exact : TOL.reduce);
          if (dtype === 'float32' && n > 2) { // NaN propagation / first NaN index, and ties
            x[randInt(0, n - 1)] = NaN; x[randInt(0, n - 1)] = NaN;
            r = both(be, 'reduce', [x], outD, outer * inner, p);
            compare(`${op} NaN ${[outer, size, inner]}`, r.got, r.want, op === 'sum' || op === 'mean' ? TOL.reduce : TOL.exact);
            const t = x.map((v) => Math.round(v)); // many ties
            r = both(be, 'reduce', [t], outD, outer * inner, p);
            compare(`${op} ties ${[outer, size, inner]}`, r.got, r.want, op === 'sum' || op === 'mean' ? TOL.reduce : TOL.exact);
          }
        }
      }
    }
    const r = both(be, 'reduce', [floats(0)], 'float32', 3, { op: 'max', dtype: 'float32', outer: 3, size: 0, inner: 1 });
    compare('max over empty axis', r.got, r.want, TOL.exact);
  });

  T('matmul: odd shapes, transposes, batch, broadcast batch', () => {
    const shapes = [[1, 1, 1], [1, 7, 5], [7, 1, 3], [5, 9, 1], [6, 8, 4], [13, 17, 19], [33, 7, 130], [130, 33, 7], [67, 300, 41], [125, 9, 260], [2, 2050, 3], [1, 130, 67], [130, 1, 67], [1, 9, 1], [9, 1, 300], [1, 8, 2]];
    for (const [m, n, k] of shapes) {
      for (const transA of [false, true]) for (const transB of [false, true]) {
        const a = floats(m * k), b = floats(k * n);
        const p = { batch: 1, m, n, k, transA, transB, aBatchStride: 0, bBatchStride: 0 };
        const { got, want } = both(be, 'matmul', [a, b], 'float32', m * n, p);
        compare(`matmul ${[m, n, k, transA, transB]}`, got, want, TOL.matmul);
      }
    }
    for (const [batch, m, n, k, sa, sb, tA, tB] of [[3, 5, 7, 9, 1, 1, false, false], [4, 6, 10, 3, 1, 0, false, false], [2, 9, 4, 11, 0, 1, true, true], [3, 7, 5, 300, 1, 0, true, false], [3, 1, 20, 9, 1, 1, false, true], [2, 12, 1, 5, 1, 0, true, false]]) {
      const a = floats((sa ? batch : 1) * m * k), b = floats((sb ? batch : 1) * k * n);
      const p = { batch, m, n, k, transA: tA, transB: tB, aBatchStride: sa * m * k, bBatchStride: sb * k * n };
      const { got, want } = both(be, 'matmul', [a, b], 'float32', batch * m * n, p);
      compare(`batched matmul ${[batch, m, n, k, sa, sb, tA, tB]}`, got, want, TOL.matmul);
    }
    const { got, want } = both(be, 'matmul', [floats(0), floats(0)], 'float32', 6, { batch: 1, m: 2, n: 3, k: 0, transA: false, transB: false, aBatchStride: 0, bBatchStride: 0 });
    compare('matmul k=0', got, want, TOL.exact);
  });

  T('copy, gather, where for every dtype', () => {
    for (const dtype of ['float32', 'int32', 'uint8']) {
      // transpose of [5, 7, 3] by (2, 0, 1), a slice with offset, a broadcast, a concat piece
      const x = gen(dtype, 5 * 7 * 3);
      const cases = [
        { shape: [3, 5, 7], xStrides: [1, 21, 3], xOffset: 0, outStrides: [35, 7, 1], outOffset: 0, outSize: 105, xs: x },
        { shape: [2, 4], xStrides: [21, 3], xOffset: 22, outStrides: [4, 1], outOffset: 0, outSize: 8, xs: x },
        { shape: [4, 33], xStrides: [1, 0], xOffset: 0, outStrides: [33, 1], outOffset: 0, outSize: 132, xs: gen(dtype, 4) },
        { shape: [5, 7], xStrides: [7, 1], xOffset: 0, outStrides: [10, 1], outOffset: 3, outSize: 50, xs: gen(dtype, 35) },
        { shape: [130], xStrides: [1], xOffset: 0, outStrides: [1], outOffset: 0, outSize: 130, xs: gen(dtype, 130) },
        // 2-D and batched transposes (the blocked path), odd sizes, offsets
        { shape: [37, 50], xStrides: [1, 37], xOffset: 0, outStrides: [50, 1], outOffset: 0, outSize: 1850, xs: gen(dtype, 1850) },
        { shape: [16, 17], xStrides: [1, 16], xOffset: 5, outStrides: [17, 1], outOffset: 2, outSize: 274, xs: gen(dtype, 277) },
        { shape: [3, 20, 33], xStrides: [660, 1, 20], xOffset: 0, outStrides: [660, 33, 1], outOffset: 0, outSize: 1980, xs: gen(dtype, 1980) },
        { shape: [64, 9], xStrides: [1, 70], xOffset: 1, outStrides: [12, 1], outOffset: 0, outSize: 768, xs: gen(dtype, 640) },
      ];
      for (const c of cases) {
        const p = { dtype, shape: c.shape, xStrides: c.xStrides, xOffset: c.xOffset, outStrides: c.outStrides, outOffset: c.outOffset, size: prod(c.shape) };
        const { got, want } = both(be, 'copy', [c.xs], dtype, c.outSize, p);
        compare(`copy ${dtype} ${JSON.stringify(c.shape)}`, got, want, TOL.exact);
      }
      for (const [outer, axisSize, inner, nIdx] of [[1, 10, 1, 7], [3, 5, 4, 9], [2, 6, 33, 3]]) {
        const xs = gen(dtype, outer * axisSize * inner);
        const idx = Int32Array.from({ length: nIdx }, () => randInt(0, axisSize - 1));
        const { got, want } = both(be, 'gather', [xs, idx], dtype, outer * nIdx * inner, { dtype, outer, axisSize, inner, nIdx });
        compare(`gather ${dtype} ${[outer, axisSize, inner, nIdx]}`, got, want, TOL.exact);
      }
      for (const [sc, sa, sb, so] of [[[37], [37], [37], [37]], [[4, 33], [33], [4, 1], [4, 33]], [[1], [5, 6], [], [5, 6]], [[130], [130], [130], [130]]]) {
        const c = bytes(prod(sc), 1), a = gen(dtype, prod(sa)), b = gen(dtype, prod(sb));
        const p = { dtype, outShape: so, cStrides: bstrides(sc, so), aStrides: bstrides(sa, so), bStrides: bstrides(sb, so), size: prod(so) };
        const { got, want } = both(be, 'where', [c, a, b], dtype, p.size, p);
        compare(`where ${dtype} ${JSON.stringify([sc, sa, sb])}`, got, want, TOL.exact);
      }
    }
  });

  T('cast between all dtypes', () => {
    for (const from of ['float32', 'int32', 'uint8']) for (const to of ['float32', 'int32', 'uint8']) {
      for (const n of [1, 7, 130]) {
        let x = gen(from, n);
        if (from === 'float32') x = x.map((v, i) => (i % 11 === 3 ? v * 3e9 : i % 13 === 5 ? NaN : i % 17 === 1 ? Infinity : v * 200));
        if (from === 'int32') x = x.map((v, i) => (i % 3 ? v * 12345679 : v));
        const { got, want } = both(be, 'cast', [x], to, n, { from, to, size: n });
        compare(`cast ${from}->${to} n=${n}`, got, want, TOL.exact);
      }
    }
  });

  T('softmax, logSumExp, layerNorm, rmsNorm', () => {
    for (const [rows, cols] of [[1, 1], [3, 7], [5, 33], [2, 130], [4, 1024]]) {
      const x = floats(rows * cols, { lo: -20, hi: 20 });
      for (const log of [false, true]) {
        const { got, want } = both(be, 'softmax', [x], 'float32', rows * cols, { rows, cols, log });
        compare(`softmax log=${log} ${[rows, cols]}`, got, want, TOL.reduce);
      }
      let r = both(be, 'logSumExp', [x], 'float32', rows, { rows, cols });
      compare(`logSumExp ${[rows, cols]}`, r.got, r.want, TOL.reduce);
      const g = floats(cols), b = floats(cols);
      for (const [gg, bb] of [[g, b], [null, null], [g, null], [null, b]]) {
        r = both(be, 'layerNorm', [x, gg, bb], 'float32', rows * cols, { rows, cols, eps: 1e-5 });
        compare(`layerNorm ${[rows, cols, !!gg, !!bb]}`, r.got, r.want, TOL.reduce);
      }
      for (const gg of [g, null]) {
        r = both(be, 'rmsNorm', [x, gg], 'float32', rows * cols, { rows, cols, eps: 1e-6 });
        compare(`rmsNorm ${[rows, cols, !!gg]}`, r.got, r.want, TOL.reduce);
      }
    }
    // rows with -Inf everywhere, a NaN, +Inf
    const x = new Float32Array([-Infinity, -Infinity, -Infinity, 1, NaN, 2, 0, Infinity, 1]);
    for (const log of [false, true]) {
      const { got, want } = both(be, 'softmax', [x], 'float32', 9, { rows: 3, cols: 3, log });
      compare(`softmax specials log=${log}`, got, want, TOL.reduce);
    }
    const r = both(be, 'logSumExp', [x], 'float32', 3, { rows: 3, cols: 3 });
    compare('logSumExp specials', r.got, r.want, TOL.reduce);
  });

  T('optimStep (fused, in place) for every kind, matching the reference', () => {
    const base = { lr: 0.01, wd: 0, decoupled: false, b1: 0.9, b2: 0.999, eps: 1e-8, momentum: 0, dampening: 0, nesterov: false, first: false, bc1: 1 - 0.9 ** 3, bc2: 1 - 0.999 ** 3, amsgrad: false, rhoBs: 0.04 * 32 };
    const cases = [
      ['sgd', {}, 0], ['sgd', { momentum: 0.9, dampening: 0.1 }, 1], ['sgd', { momentum: 0.9, nesterov: true, first: true, wd: 0.01 }, 1],
      ['adam', {}, 2], ['adam', { amsgrad: true, wd: 0.1, decoupled: true }, 3], ['adam', { wd: 0.01 }, 2],
      ['adagrad', {}, 1], ['lion', { b1: 0.9, b2: 0.99 }, 1], ['diffGrad', {}, 3], ['sophia', { b1: 0.96, b2: 0.99 }, 2],
    ];
    for (const [kind, extra, slots] of cases) {
      for (const n of [1, 7, 130]) {
        const q = { ...base, ...extra, kind, size: n };
        const p0 = floats(n), g = floats(n);
        const st = [0, 1, 2].map((k) => (k < slots ? floats(n, { lo: k === 0 && kind !== 'adagrad' ? -1 : 0.001, hi: 1 }) : null));
        const hs = [p0, g, ...st].map((x) => { if (!x) return null; const h = be.alloc('float32', n); be.write(h, x); return h; });
        be.kernels.optimStep(hs[0], hs[1], hs[2], hs[3], hs[4], hs[0], q);
        const ref = [p0, g, ...st].map((x) => (x ? x.slice() : null));
        jsKernels.optimStep(ref[0], ref[1], ref[2], ref[3], ref[4], ref[0], q);
        [0, 2, 3, 4].forEach((k) => { if (hs[k]) compare(`optimStep ${kind} ${JSON.stringify(extra)} n=${n} slot ${k}`, be.readSync(hs[k], 'float32', n), ref[k], [1e-5, 1e-6]); });
        for (const h of hs) if (h) be.free(h);
      }
    }
  });

  T('supports() declines what the kernels do not cover', () => {
    assert.ok(be.supports('matmul', { dtype: 'float32' }));
    assert.not.ok(be.supports('matmul', { dtype: 'int32' }));
    assert.not.ok(be.supports('unary', { dtype: 'int32', op: 'exp' }));
    assert.ok(be.supports('unary', { dtype: 'int32', op: 'abs' }));
    assert.not.ok(be.supports('reduce', { dtype: 'int32', op: 'mean' }));
    assert.not.ok(be.supports('reduce', { dtype: 'uint8', op: 'sum' }));
    assert.ok(be.supports('cast', { from: 'uint8', to: 'float32' }));
  });

  T('memory growth keeps handles valid and kernels correct', () => {
    const a = floats(1000), b = floats(1000);
    const ha = be.alloc('float32', 1000), hb = be.alloc('float32', 1000);
    be.write(ha, a); be.write(hb, b);
    const big = be.alloc('float32', 24 << 20); // 96 MiB forces memory.grow
    const v = be.view(big, 'float32', 24 << 20);
    assert.is(v[v.length - 1], 0);
    const ho = be.alloc('float32', 1000);
    be.kernels.binary(ha, hb, ho, { op: 'mul', dtype: 'float32', outShape: [1000], aStrides: [1], bStrides: [1], aOffset: 0, bOffset: 0, size: 1000 });
    const want = new Float32Array(1000);
    jsKernels.binary(a, b, want, { op: 'mul', dtype: 'float32', outShape: [1000], aStrides: [1], bStrides: [1], aOffset: 0, bOffset: 0, size: 1000 });
    compare('mul after growth', be.readSync(ho, 'float32', 1000), want, TOL.elementwise);
    for (const h of [ha, hb, big, ho]) be.free(h);
  });
}

function binaryOutDtype(op, dtype) {
  return ['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual'].includes(op) ? 'uint8' : dtype;
}

test.after(() => console.log(`# seed ${SEED}`));
test.run();
