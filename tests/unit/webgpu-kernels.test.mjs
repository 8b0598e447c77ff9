// The webgpu backend's kernels against the js reference, on fresh random inputs each run
// (EG_SEED=<n> replays one), through Dawn (npm `webgpu`) on SwiftShader's Vulkan driver.
// Needs `node scripts/build.mjs shaders && node scripts/build.mjs ts` first.
//   VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json node tests/unit/webgpu-kernels.test.mjs
// It also runs in Deno on lavapipe (navigator.gpu):
//   VK_ICD_FILENAMES=/usr/share/vulkan/icd.d/lvp_icd.x86_64.json deno run -A --unstable-webgpu tests/unit/webgpu-kernels.test.mjs
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SEED, mulberry32 } from '../conformance/seeded.js';

// The Vulkan loader reads these when Dawn creates its instance, i.e. at create() below.
process.env.VK_ICD_FILENAMES ||= '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.XDG_RUNTIME_DIR) {
  process.env.XDG_RUNTIME_DIR = join(tmpdir(), 'edgegrad-xdg');
  mkdirSync(process.env.XDG_RUNTIME_DIR, { recursive: true });
}
const { createWebGPUBackend, openAdapter } = await import('../../build/tsc/runtime/backends/webgpu/index.js');
const { jsKernels } = await import('../../build/tsc/runtime/backends/js/index.js');
const { makeTyped } = await import('../../build/tsc/runtime/types.js');
const { UNARY_OPS } = await import('../../build/tsc/runtime/ops-table.js');

const seed = SEED;
console.log(`webgpu-kernels: seed ${seed} (EG_SEED=${seed} to replay)`);
const rand = mulberry32(seed);
const randInt = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
function randData(dtype, n, lo = -4, hi = 4) {
  const t = makeTyped(dtype, n);
  for (let i = 0; i < n; i++) {
    if (dtype === 'float32') t[i] = lo + (hi - lo) * rand();
    else if (dtype === 'int32') t[i] = randInt(Math.ceil(lo), Math.floor(hi));
    else t[i] = randInt(Math.max(0, Math.ceil(lo)), Math.min(255, Math.floor(hi)));
  }
  return t;
}

// Deno (and a browser) bring navigator.gpu; Node gets Dawn from the npm package.
const gpu = globalThis.navigator?.gpu ?? (await import('webgpu')).create([]);
const { backend: B, adapter, limits } = await createWebGPUBackend(await openAdapter(gpu));
console.log(`webgpu-kernels: ${adapter.description || adapter.architecture} (${adapter.vendor})`);

const up = (dtype, data) => { const h = B.alloc(dtype, data.length); B.write(h, data); return h; };
const sizeOf = (shape) => shape.reduce((a, b) => a * b, 1);
const contiguous = (shape) => { const s = new Array(shape.length); let acc = 1; for (let d = shape.length - 1; d >= 0; d--) { s[d] = acc; acc *= shape[d]; } return s; };

/** got vs want: NaN matches NaN, infinities must match exactly, else |d| <= atol + rtol·|want|.
 *  Floats also get 2^-126 of slack: WGSL lets a GPU flush subnormal results to zero. */
const FLT_MIN = 2 ** -126;
function check(what, got, want, { rtol = 0, atol = 0 } = {}) {
  if (rtol || atol) atol = Math.max(atol, FLT_MIN);
  assert.is(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const g = got[i], w = want[i];
    if (Number.isNaN(w) && Number.isNaN(g)) continue;
    const ok = !Number.isFinite(w) || !Number.isFinite(g) ? g === w : Math.abs(g - w) <= atol + rtol * Math.abs(w);
    if (!ok) assert.unreachable(`${what}: [${i}] got ${g}, want ${w} (rtol ${rtol}, atol ${atol}; seed ${seed})`);
  }
}
/** A tolerance relative to the largest output, for sums and dot products whose
 *  individual results may cancel to near zero. */
const scaled = (want, rtol) => {
  let m = 0;
  for (const v of want) if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
  return { rtol, atol: rtol * m };
};

/** Runs one kernel on the GPU and on the js reference with the same inputs. */
async function both(kernel, inputs, outDtype, outSize, p, fill = null) {
  const hs = inputs.map((x) => (x === null ? null : up(x.dtype, x.data)));
  const out = B.alloc(outDtype, outSize);
  const ref = makeTyped(outDtype, outSize);
  if (fill) { B.write(out, fill); ref.set(fill); }
  B.kernels[kernel](...hs, out, p);
  jsKernels[kernel](...inputs.map((x) => (x === null ? null : x.data)), ref, p);
  const got = await B.read(out, outDtype, outSize);
  for (const h of hs) if (h) B.free(h);
  B.free(out);
  return { got, want: ref };
}
const T = (dtype, data) => ({ dtype, data });

const binaryOps = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual'];
const isCmp = (op) => ['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual'].includes(op);
const dims = [1, 2, 3, 7, 9, 33];

// A random broadcast: an out shape of rank 1..4; each input drops to 1 on some axes (stride 0)
// and may sit at an offset inside a larger buffer.
function broadcastCase() {
  const rank = randInt(1, 4);
  const outShape = Array.from({ length: rank }, () => pick(dims));
  const side = () => {
    const shape = outShape.map((n) => (rand() < 0.3 ? 1 : n));
    const st = contiguous(shape).map((s, d) => (shape[d] === 1 ? 0 : s));
    const offset = rand() < 0.3 ? randInt(1, 5) : 0;
    return { len: sizeOf(shape) + offset, strides: st, offset };
  };
  return { outShape, a: side(), b: side(), size: sizeOf(outShape) };
}

function binaryInputs(op, dtype, n) {
  if (op === 'pow') {
    if (dtype === 'float32') {
      const a = randData('float32', n, 0.1, 4), b = randData('float32', n, -3, 3);
      // negative bases with integral exponents take the sign path
      for (let i = 0; i < n; i += 3) { a[i] = -a[i]; b[i] = Math.round(b[i]); }
      return [a, b];
    }
    return dtype === 'int32' ? [randData('int32', n, -9, 9), randData('int32', n, -2, 8)] : [randData('uint8', n, 0, 7), randData('uint8', n, 0, 5)];
  }
  const lo = dtype === 'uint8' ? 0 : -50, hi = dtype === 'uint8' ? 255 : 50;
  const a = randData(dtype, n, lo, hi), b = randData(dtype, n, lo, hi);
  if (dtype === 'float32' && op === 'div') for (let i = 0; i < n; i++) if (Math.abs(b[i]) < 1e-3) b[i] = 1;
  // equal values, so comparisons and maximum/minimum meet ties
  for (let i = 0; i < n; i += 5) b[i] = a[i];
  if (dtype !== 'float32' && op === 'div') for (let i = 0; i < n; i += 7) b[i] = 0;
  return [a, b];
}

for (const dtype of ['float32', 'int32', 'uint8']) {
  test(`binary ${dtype}: every op, broadcast and offsets`, async () => {
    for (const op of binaryOps) {
      for (let rep = 0; rep < 3; rep++) {
        const c = broadcastCase();
        const [a, b] = binaryInputs(op, dtype, Math.max(c.a.len, c.b.len));
        const p = { op, dtype, outShape: c.outShape, aStrides: c.a.strides, bStrides: c.b.strides, aOffset: c.a.offset, bOffset: c.b.offset, size: c.size };
        const { got, want } = await both('binary', [T(dtype, a.slice(0, c.a.len)), T(dtype, b.slice(0, c.b.len))], isCmp(op) ? 'uint8' : dtype, c.size, p);
        check(`binary ${op} ${dtype} [${c.outShape}]`, got, want, { rtol: dtype === 'float32' ? 1e-5 : 0 });
      }
    }
  });
}

const specials = [0, -0, 1, -1, 0.5, -0.5, 2.5, -2.5, 3, -3, 1e30, -1e30, Infinity, -Infinity, NaN];
test('binary float32: special values (NaN, ±Infinity, ±0) in every pairing', async () => {
  const n = specials.length;
  const a = new Float32Array(n * n), b = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) { a[i * n + j] = specials[i]; b[i * n + j] = specials[j]; }
  for (const op of binaryOps) {
    const p = { op, dtype: 'float32', outShape: [n * n], aStrides: [1], bStrides: [1], aOffset: 0, bOffset: 0, size: n * n };
    const { got, want } = await both('binary', [T('float32', a), T('float32', b)], isCmp(op) ? 'uint8' : 'float32', n * n, p);
    check(`binary ${op} specials`, got, want, { rtol: 1e-5 });
  }
});

test('binary int32: wrapping at the extremes, truncating division', async () => {
  const ext = [-2147483648, 2147483647, -1, 0, 1, 7, -7, 3];
  const n = ext.length;
  const a = new Int32Array(n * n), b = new Int32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) { a[i * n + j] = ext[i]; b[i * n + j] = ext[j]; }
  for (const op of binaryOps.filter((o) => o !== 'pow')) {
    const p = { op, dtype: 'int32', outShape: [n * n], aStrides: [1], bStrides: [1], aOffset: 0, bOffset: 0, size: n * n };
    const { got, want } = await both('binary', [T('int32', a), T('int32', b)], isCmp(op) ? 'uint8' : 'int32', n * n, p);
    check(`binary ${op} int32 extremes`, got, want);
  }
});

const unaryOps = Object.keys(UNARY_OPS); // the op table: a new op is tested here without an edit
// WGSL's exp/log promise a few ulp, and small outputs of log/sin/cos near their zeros carry
// the absolute error of the argument; 1e-6 absolute covers that at these input ranges.
const unaryTol = { exp: { rtol: 1e-5 }, log: { rtol: 1e-5, atol: 1e-6 }, sin: { rtol: 1e-5, atol: 1e-6 }, cos: { rtol: 1e-5, atol: 1e-6 } };
test('unary float32: every op on random inputs and special values', async () => {
  for (const op of unaryOps) {
    for (const n of [1, 7, 65, 1000]) {
      const x = randData('float32', n, -6, 6);
      if (op === 'tanh' || op === 'gelu') for (let i = 0; i < n; i += 4) x[i] *= 1e-3 * rand(); // near 0, where tanh cancels
      if (op === 'sin' || op === 'cos') for (let i = 0; i < n; i += 5) x[i] *= 30;
      const { got, want } = await both('unary', [T('float32', x)], 'float32', n, { op, dtype: 'float32', size: n });
      check(`unary ${op} n=${n}`, got, want, unaryTol[op] ?? { rtol: 1e-5 });
    }
    if (op === 'sin' || op === 'cos') {
      // large arguments take the Payne-Hanek reduction
      const big = Float32Array.from({ length: 200 }, (_, i) => (rand() - 0.5) * 10 ** (3 + (i % 36)));
      const { got, want } = await both('unary', [T('float32', big)], 'float32', big.length, { op, dtype: 'float32', size: big.length });
      check(`unary ${op} large arguments`, got, want, unaryTol[op]);
    }
    const x = Float32Array.from([...specials, 20, -20, 88, -88, 100, -100, 1e-7, -1e-7]);
    const { got, want } = await both('unary', [T('float32', x)], 'float32', x.length, { op, dtype: 'float32', size: x.length });
    check(`unary ${op} specials`, got, want, unaryTol[op] ?? { rtol: 1e-5 });
  }
});

test('unary int32 and uint8: the table\'s int ops', async () => {
  for (const op of unaryOps.filter((o) => UNARY_OPS[o].int)) {
    const xi = Int32Array.from([-2147483648, 2147483647, 0, -1, 1, 46341, -46341, ...randData('int32', 60, -100000, 100000)]);
    let r = await both('unary', [T('int32', xi)], 'int32', xi.length, { op, dtype: 'int32', size: xi.length });
    check(`unary ${op} int32`, r.got, r.want);
    const xu = Uint8Array.from([0, 1, 255, 128, 16, ...randData('uint8', 60, 0, 255)]);
    r = await both('unary', [T('uint8', xu)], 'uint8', xu.length, { op, dtype: 'uint8', size: xu.length });
    check(`unary ${op} uint8`, r.got, r.want);
  }
});

const reduceOps = ['sum', 'mean', 'max', 'min', 'argmax', 'argmin'];
const reduceShapes = [[1, 1, 1], [1, 7, 1], [3, 33, 5], [2, 1000, 1], [1, 4099, 1], [5, 65, 7], [4, 300, 3], [65, 128, 1], [1, 200, 70]];
for (const dtype of ['float32', 'int32', 'uint8']) {
  test(`reduce ${dtype}: every op, small and long axes`, async () => {
    for (const op of reduceOps) {
      for (const [outer, size, inner] of reduceShapes) {
        const n = outer * size * inner;
        // narrow integer ranges make ties, which argmax/argmin must break to the first index
        const x = dtype === 'float32' ? randData(dtype, n, -3, 3) : randData(dtype, n, dtype === 'uint8' ? 0 : -20, 20);
        const outDtype = op === 'argmax' || op === 'argmin' ? 'int32' : dtype === 'uint8' && op !== 'max' && op !== 'min' ? 'int32' : dtype;
        const p = { op, dtype, outer, size, inner };
        const { got, want } = await both('reduce', [T(dtype, x)], outDtype, outer * inner, p);
        check(`reduce ${op} ${dtype} [${outer},${size},${inner}]`, got, want, dtype === 'float32' ? { rtol: 1e-4, atol: 1e-4 * Math.sqrt(size) } : {});
      }
    }
  });
}

test('reduce float32: NaN propagates, ties and infinities', async () => {
  for (const op of reduceOps) {
    for (const [outer, size, inner] of [[4, 9, 3], [3, 700, 1]]) {
      const n = outer * size * inner;
      const x = Float32Array.from(randData('float32', n, -2, 2), (v) => Math.round(v));
      for (let i = 0; i < n; i += 37) x[i] = NaN;
      for (let i = 5; i < n; i += 53) x[i] = Infinity;
      for (let i = 11; i < n; i += 41) x[i] = -Infinity;
      const outDtype = op.startsWith('arg') ? 'int32' : 'float32';
      const { got, want } = await both('reduce', [T('float32', x)], outDtype, outer * inner, { op, dtype: 'float32', outer, size, inner });
      check(`reduce ${op} specials [${outer},${size},${inner}]`, got, want, { rtol: 1e-5 });
    }
  }
});

test('matmul: odd shapes, transposes, batches with broadcast (stride 0)', async () => {
  const cases = [[1, 1, 1], [7, 5, 3], [33, 65, 17], [64, 64, 64], [65, 33, 128], [128, 96, 70], [1, 128, 33], [100, 1, 7]];
  for (const [m, n, k] of cases) {
    for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]]) {
      const batch = m * n * k > 100000 ? 1 : pick([1, 2, 3]);
      const aB = batch > 1 && rand() < 0.5 ? 0 : m * k, bB = batch > 1 && aB !== 0 && rand() < 0.5 ? 0 : k * n;
      const a = randData('float32', aB ? batch * m * k : m * k, -1, 1), b = randData('float32', bB ? batch * k * n : k * n, -1, 1);
      const p = { batch, m, n, k, transA, transB, aBatchStride: aB, bBatchStride: bB };
      const { got, want } = await both('matmul', [T('float32', a), T('float32', b)], 'float32', batch * m * n, p);
      check(`matmul ${m}x${n}x${k} tA=${transA} tB=${transB} batch=${batch} strides ${aB},${bB}`, got, want, scaled(want, 1e-4));
    }
  }
});

for (const dtype of ['float32', 'int32', 'uint8']) {
  test(`copy ${dtype}: transpose, slice, reversed axis, concat piece`, async () => {
    const x = randData(dtype, 7 * 9 * 5, 0, 200);
    const cases = [
      // transpose [7,9,5] -> [5,7,9]
      { shape: [5, 7, 9], xStrides: [1, 45, 5], xOffset: 0, outStrides: contiguous([5, 7, 9]), outOffset: 0, outLen: 315 },
      // slice [2:6, 1:8:2, 3] of [7,9,5]
      { shape: [4, 4], xStrides: [45, 10], xOffset: 2 * 45 + 5 + 3, outStrides: [4, 1], outOffset: 0, outLen: 16 },
      // reversed middle axis
      { shape: [7, 9, 5], xStrides: [45, -5, 1], xOffset: 8 * 5, outStrides: contiguous([7, 9, 5]), outOffset: 0, outLen: 315 },
      // second piece of a concat along axis 1 into [7, 12]
      { shape: [7, 3], xStrides: [3, 1], xOffset: 0, outStrides: [12, 1], outOffset: 9, outLen: 84 },
      // rank 0 (a scalar)
      { shape: [], xStrides: [], xOffset: 17, outStrides: [], outOffset: 0, outLen: 1 },
    ];
    for (const c of cases) {
      const p = { dtype, shape: c.shape, xStrides: c.xStrides, xOffset: c.xOffset, outStrides: c.outStrides, outOffset: c.outOffset, size: sizeOf(c.shape) };
      const fill = randData(dtype, c.outLen, 0, 200);
      const { got, want } = await both('copy', [T(dtype, x)], dtype, c.outLen, p, fill);
      check(`copy ${dtype} [${c.shape}]`, got, want);
    }
  });

  test(`gather and where ${dtype}`, async () => {
    for (const [outer, axisSize, inner, nIdx] of [[1, 10, 1, 4], [3, 7, 5, 9], [2, 33, 1, 65], [1, 128, 16, 3]]) {
      const x = randData(dtype, outer * axisSize * inner, 0, 200);
      const idx = Int32Array.from({ length: nIdx }, () => randInt(0, axisSize - 1));
      const { got, want } = await both('gather', [T(dtype, x), T('int32', idx)], dtype, outer * nIdx * inner, { dtype, outer, axisSize, inner, nIdx });
      check(`gather ${dtype} [${outer},${axisSize},${inner}] n=${nIdx}`, got, want);
    }
    for (let rep = 0; rep < 5; rep++) {
      const c = broadcastCase(), d = broadcastCase();
      // cond takes a third broadcast pattern over the same out shape
      const cShape = c.outShape.map((n) => (rand() < 0.3 ? 1 : n));
      const cStrides = contiguous(cShape).map((s, i) => (cShape[i] === 1 ? 0 : s));
      const cond = randData('uint8', sizeOf(cShape), 0, 1);
      const a = randData(dtype, c.a.len, 0, 200), b = randData(dtype, c.b.len, 0, 200);
      void d;
      const p = { dtype, outShape: c.outShape, cStrides, aStrides: c.a.strides, bStrides: c.b.strides, size: c.size };
      const { got, want } = await both('where', [T('uint8', cond), T(dtype, a), T(dtype, b)], dtype, c.size, p);
      check(`where ${dtype} [${c.outShape}]`, got, want);
    }
  });
}

test('cast: every pair, with wrapping, NaN and infinities', async () => {
  const f = Float32Array.from([0, -0, 1.5, -1.5, 255.7, 256, -1, 3e9, -3e9, 1e10, -1e10, 2 ** 31, -(2 ** 31), 2 ** 40 + 2 ** 33, NaN, Infinity, -Infinity, ...randData('float32', 40, -1000, 1000)]);
  const i = Int32Array.from([0, 1, -1, 255, 256, -256, 2147483647, -2147483648, 16777217, ...randData('int32', 40, -100000, 100000)]);
  const u = Uint8Array.from([0, 1, 127, 128, 255, ...randData('uint8', 40, 0, 255)]);
  const src = { float32: f, int32: i, uint8: u };
  for (const from of ['float32', 'int32', 'uint8']) {
    for (const to of ['float32', 'int32', 'uint8']) {
      const x = src[from];
      const { got, want } = await both('cast', [T(from, x)], to, x.length, { from, to, size: x.length });
      check(`cast ${from} -> ${to}`, got, want);
    }
  }
});

test('softmax, logSumExp, layerNorm, rmsNorm: short and long rows, special values', async () => {
  for (const [rows, cols] of [[1, 1], [3, 7], [5, 65], [2, 600], [4, 1000], [70, 33]]) {
    const x = randData('float32', rows * cols, -5, 5);
    if (cols > 1) {
      x[0] = -Infinity; // a -Infinity inside an otherwise finite row
      if (rows > 2) { x[cols + 1] = NaN; for (let c = 0; c < cols; c++) x[2 * cols + c] = -Infinity; }
    }
    for (const log of [false, true]) {
      const { got, want } = await both('softmax', [T('float32', x)], 'float32', rows * cols, { rows, cols, log });
      check(`softmax log=${log} ${rows}x${cols}`, got, want, { rtol: 1e-5, atol: 1e-6 });
    }
    let r = await both('logSumExp', [T('float32', x)], 'float32', rows, { rows, cols });
    check(`logSumExp ${rows}x${cols}`, r.got, r.want, { rtol: 1e-5, atol: 1e-6 });
    const y = randData('float32', rows * cols, -3, 7), g = randData('float32', cols, 0.5, 2), bt = randData('float32', cols, -1, 1);
    for (const [gg, bb] of [[g, bt], [null, null], [g, null]]) {
      const p = { rows, cols, eps: 1e-5 };
      r = await both('layerNorm', [T('float32', y), gg && T('float32', gg), bb && T('float32', bb)], 'float32', rows * cols, p);
      check(`layerNorm ${rows}x${cols} gamma=${!!gg} beta=${!!bb}`, r.got, r.want, { rtol: 1e-4, atol: 1e-5 });
      r = await both('rmsNorm', [T('float32', y), gg && T('float32', gg)], 'float32', rows * cols, p);
      check(`rmsNorm ${rows}x${cols} gamma=${!!gg}`, r.got, r.want, { rtol: 1e-4, atol: 1e-5 });
    }
  }
});

test('pool: freed storage comes back zero-filled, and bytesInUse counts live storage', async () => {
  const before = B.bytesInUse();
  for (const dtype of ['float32', 'int32', 'uint8']) {
    const h = up(dtype, randData(dtype, 1000, 1, 100));
    const buf = h.buffer;
    B.free(h);
    const h2 = B.alloc(dtype, 1000);
    assert.ok(h2.buffer === buf, 'the pool hands the same buffer back');
    assert.ok(B.bytesInUse() > before);
    const got = await B.read(h2, dtype, 1000);
    assert.ok(got.every((v) => v === 0), `${dtype}: reused storage reads as zeros`);
    // and as a kernel input: 0 + y == y
    const y = randData(dtype, 1000, 0, 100), hy = up(dtype, y), out = B.alloc(dtype, 1000);
    B.kernels.binary(h2, hy, out, { op: 'add', dtype, outShape: [1000], aStrides: [1], bStrides: [1], aOffset: 0, bOffset: 0, size: 1000 });
    check(`${dtype}: reused storage as an input`, await B.read(out, dtype, 1000), y);
    for (const t of [h2, hy, out]) B.free(t);
  }
  assert.is(B.bytesInUse(), before);
  const h = B.alloc('float32', 4);
  B.free(h);
  assert.throws(() => B.free(h), /freed twice/);
  let msg = '';
  try { await B.read(h, 'float32', 4); } catch (e) { msg = e.message; }
  assert.match(msg, /freed/);
});

test('uint8 and int32 round trips; unsupported kernels are declined', async () => {
  const u = Uint8Array.from({ length: 300 }, (_, i) => i & 255);
  const h = up('uint8', u);
  assert.equal(Array.from(await B.read(h, 'uint8', 300)), Array.from(u));
  B.free(h);
  assert.ok(!B.supports('unary', { op: 'exp', dtype: 'int32' }));
  assert.ok(B.supports('unary', { op: 'abs', dtype: 'int32' }));
  assert.ok(!B.supports('matmul', { dtype: 'int32' }));
  assert.ok(B.supports('where', { dtype: 'uint8', outShape: [3], cStrides: [1], aStrides: [1], bStrides: [1], size: 3 }));
  // strided kernels decline shapes that do not collapse to 8 axes (the engine's fallback policy takes over)
  const big = [2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1];
  const odd = big.map((_, i) => (i % 2 ? 0 : 2 ** (big.length - i)));
  assert.ok(!B.supports('where', { dtype: 'uint8', outShape: big, cStrides: odd, aStrides: odd, bStrides: odd.map((x) => x * 3), size: 512 }));
  assert.ok(typeof limits.maxStorageBufferBindingSize === 'number');
});

test('large 1D launch: 5M-element add folds into a 2D grid of workgroups', async () => {
  const n = 5_000_000;
  assert.ok(Math.ceil(n / 64) > limits.maxComputeWorkgroupsPerDimension, 'the launch needs the 2D fold');
  const a = randData('float32', n, -1, 1), b = randData('float32', n, -1, 1);
  const ha = up('float32', a), hb = up('float32', b), out = B.alloc('float32', n);
  const t0 = performance.now();
  B.kernels.binary(ha, hb, out, { op: 'add', dtype: 'float32', outShape: [n], aStrides: [1], bStrides: [1], aOffset: 0, bOffset: 0, size: n });
  const got = await B.read(out, 'float32', n);
  const ms = performance.now() - t0;
  console.log(`webgpu-kernels: 5M add + readback ${ms.toFixed(0)} ms`);
  for (let i = 0; i < n; i += 9973) assert.is(got[i], Math.fround(a[i] + b[i]), `[${i}] (seed ${seed})`);
  assert.is(got[n - 1], Math.fround(a[n - 1] + b[n - 1]));
  for (const h of [ha, hb, out]) B.free(h);
});

test('a failed GPU command is reported by the next read, and the backend goes on working', async () => {
  const x = up('float32', new Float32Array(8).fill(1)), out = B.alloc('float32', 8);
  x.buffer.destroy(); // x is deliberately not freed: its buffer must not go back to the pool
  B.kernels.unary(x, out, { op: 'neg', dtype: 'float32', size: 8 });
  let msg = '';
  try { await B.read(out, 'float32', 8); } catch (e) { msg = e.message; }
  assert.match(msg, /read: an earlier GPU command failed/);
  B.free(out);
  const y = up('float32', Float32Array.from([1, -2])), o2 = B.alloc('float32', 2);
  B.kernels.unary(y, o2, { op: 'neg', dtype: 'float32', size: 2 });
  assert.equal(Array.from(await B.read(o2, 'float32', 2)), [-1, 2]);
  B.free(y); B.free(o2);
  await B.sync();
});

test.after(() => B.dispose());
test.run();
