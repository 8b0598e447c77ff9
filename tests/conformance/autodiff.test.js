// Gradients of every differentiable op against central finite differences, computed on the
// backend under test. The directional form keeps float32 noise low: for a random w, loss =
// Σ op(x)⊙w (summed in float64 here, not on the backend); for a random direction v, the
// autodiff value <∇loss, Δx> is compared with loss(x + Δx/2·2) - loss(x - Δx/2·2) where Δx is
// the perturbation actually representable in float32 (so storage rounding does not count).
import { rng, randn, randu, assert, assertClose, assertShape, sizeOf, SEED } from './_util.js';

const EPS = 1e-2; // float32 storage: large enough that rounding noise stays small; Richardson removes the ε² term
const RTOL = 2e-3;

function fail(msg) { throw new Error(`${msg} [seed ${SEED}; rerun with EG_SEED=${SEED}]`); }

/** Values spaced apart by at least `gap` (shuffled), so max/min/maximum and kinks are not hit by ±ε moves. */
function spaced(r, n, gap = 0.1) {
  const v = Array.from({ length: n }, (_, i) => (i - n / 2) * gap + r.uniform(-0.2, 0.2) * gap);
  for (let i = n - 1; i > 0; i--) { const j = r.int(0, i + 1); [v[i], v[j]] = [v[j], v[i]]; }
  return Float32Array.from(v);
}
/** Magnitudes in [lo, hi] with random signs: keeps inputs away from 0 (abs, relu, sign kinks). */
function awayFromZero(r, shape, lo = 0.2, hi = 2) {
  return Float32Array.from({ length: sizeOf(shape) }, () => (r.uniform() < 0 ? -1 : 1) * r.uniform(lo, hi));
}

async function lossValue(eg, fn, datas, shapes, w) {
  const out = fn(...datas.map((d, i) => eg.tensor(d, shapes[i])));
  const o = await out.data();
  let s = 0;
  for (let i = 0; i < o.length; i++) s += o[i] * w[i];
  return s;
}

/**
 * Checks the gradient of Σ fn(...xs)⊙w with respect to every input against central
 * differences along a random direction; with `elementwise`, also each coordinate alone.
 */
async function checkGrad({ eg, ulp }, r, what, fn, inputs, { eps = EPS, rtol = RTOL, elementwise = false } = {}) {
  const shapes = inputs.map((x) => x.shape), datas = inputs.map((x) => Float32Array.from(x.data));
  const tensors = datas.map((d, i) => eg.tensor(d, shapes[i]));
  const out0 = fn(...tensors);
  const w = randn(r, out0.shape);
  const o0 = await out0.data();
  let absSum = 0;
  for (let i = 0; i < o0.length; i++) absSum += Math.abs(o0[i] * w[i]);
  // rounding noise of one loss evaluation, carried through the differences (÷ 2h, Richardson ×4/3)
  const noise = ulp * absSum / eps * 3;
  const W = eg.tensor(w, out0.shape);
  const argnums = inputs.map((_, i) => i);
  const grads = eg.grad((...ts) => eg.sum(eg.mul(fn(...ts), W)), { argnums })(...tensors);
  assert(Array.isArray(grads) && grads.length === inputs.length, `${what}: grads for every argnum`);
  const g = [];
  for (let i = 0; i < grads.length; i++) {
    assertShape(grads[i], shapes[i], `${what} grad[${i}]`);
    g.push(await grads[i].data());
  }
  // Central differences at ε and ε/2 combined by Richardson extrapolation, so the O(ε²)
  // truncation term cancels and curved ops (1/x, pow, gelu) need no tiny, noisy ε. The
  // error is taken against the step float32 actually stored, so rounding of x ± εv does
  // not count. Values are on the derivative scale: <g, v>.
  const direction = async (vs) => {
    let ad = 0, scale = 0;
    const err = [];
    for (const h of [eps, eps / 2]) {
      const xp = datas.map((d, i) => d.map((x, k) => x + h * vs[i][k]));
      const xm = datas.map((d, i) => d.map((x, k) => x - h * vs[i][k]));
      let adh = 0, gn = 0, dn = 0;
      for (let i = 0; i < datas.length; i++) for (let k = 0; k < datas[i].length; k++) {
        const dx = Math.fround(xp[i][k]) - Math.fround(xm[i][k]);
        adh += g[i][k] * dx; gn += g[i][k] ** 2; dn += dx * dx;
      }
      const dl = (await lossValue(eg, fn, xp, shapes, w)) - (await lossValue(eg, fn, xm, shapes, w));
      err.push((dl - adh) / (2 * h));
      if (h === eps) { ad = adh / (2 * h); scale = Math.sqrt(gn * dn) / (2 * h); }
    }
    return { ad, fd: ad + (4 * err[1] - err[0]) / 3, scale };
  };
  const check = ({ ad, fd, scale }, label) => {
    const bound = rtol * Math.max(Math.abs(fd), 0.05 * scale) + noise + 1e-6;
    if (!(Math.abs(ad - fd) <= bound)) fail(`${what}${label}: autodiff ${ad.toPrecision(7)} vs finite differences ${fd.toPrecision(7)} (|diff| ${Math.abs(ad - fd).toExponential(2)} > ${bound.toExponential(2)})`);
  };
  for (let rep = 0; rep < 2; rep++) check(await direction(datas.map((d) => randn(r, [d.length]))), ` (direction ${rep})`);
  if (elementwise) {
    for (let i = 0; i < datas.length; i++) for (let k = 0; k < datas[i].length; k++) {
      const vs = datas.map((d, j) => { const v = new Float32Array(d.length); if (j === i) v[k] = 1; return v; });
      const res = await direction(vs);
      // one coordinate: no cancellation, so scale by the coordinate's own gradient
      res.scale = Math.abs(g[i][k]);
      check(res, ` d/dx${i}[${k}]`);
    }
  }
}

const inp = (data, shape) => ({ data, shape });

export default function (test, { eg, backend }) {
  const gpu = backend === 'webgpu';
  // float32 kernels on wasm/webgpu round transcendental results less tightly than js
  const E = { eg, ulp: backend === 'js' ? 1e-7 : 1e-6 };

  test('binary ops with broadcasting: add sub mul div pow maximum minimum', async () => {
    const r = rng(101);
    const shapes = [[[3, 4], [4]], [[2, 1, 3], [4, 1]], [[], [5]], [[2, 3], [2, 3]], [[5], [1]]];
    for (const [sa, sb] of shapes) {
      const a = randn(r, sa), b = awayFromZero(r, sb, 0.5, 2);
      for (const op of ['add', 'sub', 'mul', 'div']) await checkGrad(E, r, `${op} ${JSON.stringify([sa, sb])}`, (x, y) => eg[op](x, y), [inp(a, sa), inp(b, sb)]);
      await checkGrad(E, r, `pow ${JSON.stringify([sa, sb])}`, (x, y) => eg.pow(x, y), [inp(randu(r, sa, 0.5, 2), sa), inp(randu(r, sb, -1.5, 1.5), sb)]);
      // maximum/minimum: operands differ by at least 0.2 everywhere, so ±ε never swaps them
      const n = sizeOf(sa), base = randn(r, sa);
      const other = sizeOf(sb) === n && sa.length === sb.length ? base.map((v) => v + (r.uniform() < 0.5 ? -1 : 1) * r.uniform(0.2, 1)) : null;
      if (other) for (const op of ['maximum', 'minimum']) await checkGrad(E, r, `${op} ${JSON.stringify(sa)}`, (x, y) => eg[op](x, y), [inp(base, sa), inp(other, sb)]);
    }
    // maximum/minimum with broadcasting: a row against a column, values on a spaced grid
    const a = spaced(r, 12, 0.25), b = Float32Array.from([-0.625, 0.125, 0.875]);
    for (const op of ['maximum', 'minimum']) await checkGrad(E, r, `${op} [4,3]x[3]`, (x, y) => eg[op](x, y), [inp(a, [4, 3]), inp(b, [3])], { eps: 5e-3 });
  });

  test('binary ops: elementwise finite differences on tiny inputs, scalar operands, x op x', async () => {
    const r = rng(102);
    const a = awayFromZero(r, [2, 3], 0.5, 2), b = awayFromZero(r, [3], 0.5, 2);
    for (const op of ['add', 'sub', 'mul', 'div']) await checkGrad(E, r, `${op} tiny`, (x, y) => eg[op](x, y), [inp(a, [2, 3]), inp(b, [3])], { elementwise: true });
    // a on a 0.5 grid (±0.1), b between grid points: never within 0.15 of each other
    const ag = spaced(r, 6, 0.5), bg = Float32Array.from({ length: 3 }, () => (r.int(0, 6) - 3) * 0.5 + 0.25);
    for (const op of ['maximum', 'minimum']) await checkGrad(E, r, `${op} tiny`, (x, y) => eg[op](x, y), [inp(ag, [2, 3]), inp(bg, [3])], { elementwise: true });
    await checkGrad(E, r, 'pow tiny', (x, y) => eg.pow(x, y), [inp(randu(r, [2, 3], 0.3, 2), [2, 3]), inp(randu(r, [3], -2, 2), [3])], { elementwise: true });
    // integer powers of negative bases (only d/da is defined)
    await checkGrad(E, r, 'pow(x, 3) negative x', (x) => eg.pow(x, 3), [inp(randu(r, [7], -2, 2), [7])], { elementwise: true });
    await checkGrad(E, r, 'x * x (both operands one tensor)', (x) => eg.mul(x, x), [inp(randn(r, [5]), [5])], { elementwise: true });
    await checkGrad(E, r, '2 / x - x', (x) => eg.sub(eg.div(2, x), x), [inp(awayFromZero(r, [4], 0.5, 2), [4])], { elementwise: true });
  });

  test('every unary op, including near its kinks', async () => {
    const r = rng(103);
    const cases = {
      neg: [-3, 3], exp: [-3, 3], log: [0.3, 5], sqrt: [0.3, 5], rsqrt: [0.3, 5], tanh: [-3, 3],
      sigmoid: [-5, 5], gelu: [-4, 4], sin: [-4, 4], cos: [-4, 4], square: [-3, 3], reciprocal: [0.4, 3],
    };
    for (const [op, [lo, hi]] of Object.entries(cases)) {
      await checkGrad(E, r, `${op} [4,5]`, (x) => eg[op](x), [inp(randu(r, [4, 5], lo, hi), [4, 5])]);
      await checkGrad(E, r, `${op} tiny`, (x) => eg[op](x), [inp(randu(r, [3], lo, hi), [3])], { elementwise: true });
    }
    await checkGrad(E, r, 'reciprocal of negatives', (x) => eg.reciprocal(x), [inp(randu(r, [5], -3, -0.4), [5])], { elementwise: true });
    for (const op of ['abs', 'relu']) {
      await checkGrad(E, r, `${op} [4,5]`, (x) => eg[op](x), [inp(awayFromZero(r, [4, 5]), [4, 5])]);
      await checkGrad(E, r, `${op} tiny`, (x) => eg[op](x), [inp(awayFromZero(r, [6]), [6])], { elementwise: true });
    }
    // piecewise-constant ops have zero gradient
    for (const op of ['sign', 'step']) {
      const x = eg.tensor(awayFromZero(r, [5]));
      const g = eg.grad((t) => eg.sum(eg.mul(eg[op](t), t)))(x);
      assertClose(await g.data(), Array.from(await eg[op](x).data()), { rtol: 0, atol: 0 }, `${op}: d/dx Σ ${op}(x)·x = ${op}(x)`);
    }
    // float32 -> float32 cast is the identity; a cast to int32 rounds and passes no gradient
    await checkGrad(E, r, 'cast float32', (x) => eg.mul(eg.cast(x, 'float32'), x), [inp(randn(r, [4]), [4])], { elementwise: true });
    const gi = eg.grad((t) => eg.sum(eg.mul(eg.cast(t, 'int32'), eg.tensor([2, 3, 4]))))(eg.tensor([1.7, -2.2, 3.5]));
    assertClose(await gi.data(), [0, 0, 0], { rtol: 0, atol: 0 }, 'cast to int32 has zero gradient');
  });

  test('sum/mean/max/min over axes, with and without keepDims', async () => {
    const r = rng(104);
    const shape = [3, 4, 5];
    const axesList = [undefined, 0, 1, -1, [0, 2], [1, 2]];
    for (const op of ['sum', 'mean', 'max', 'min']) for (const axis of axesList) for (const keep of [false, true]) {
      const x = op === 'max' || op === 'min' ? spaced(r, 60, 0.05) : randn(r, shape);
      await checkGrad(E, r, `${op} axis ${JSON.stringify(axis)} keepDims ${keep}`, (t) => eg[op](t, axis, keep), [inp(x, shape)], { eps: op === 'max' || op === 'min' ? 2e-3 : EPS });
    }
    for (const op of ['sum', 'mean', 'max', 'min']) await checkGrad(E, r, `${op} tiny`, (t) => eg[op](t, 1, true), [inp(spaced(r, 6, 0.3), [2, 3])], { elementwise: true });
    // ties share the gradient equally (the convention JAX uses)
    const g = eg.grad((t) => eg.max(t))(eg.tensor([1, 3, 3, 0]));
    assertClose(await g.data(), [0, 0.5, 0.5, 0], { rtol: 0, atol: 1e-7 }, 'max ties');
    const g2 = eg.grad((t) => eg.sum(eg.min(t, 1)))(eg.tensor([[2, 2], [1, 4]]));
    assertClose(await g2.data(), [0.5, 0.5, 1, 0], { rtol: 0, atol: 1e-7 }, 'min ties per row');
  });

  test('matmul: transposes, batch broadcasting, 1-D operands', async () => {
    const r = rng(105);
    const cases = [
      [[3, 4], [4, 5], {}], [[4, 3], [4, 5], { transposeA: true }], [[3, 4], [5, 4], { transposeB: true }],
      [[4, 3], [5, 4], { transposeA: true, transposeB: true }], [[2, 3, 4], [4, 5], {}], [[3, 4], [2, 4, 5], {}],
      [[2, 1, 3, 4], [3, 4, 2], {}], [[2, 1, 4, 3], [3, 2, 4], { transposeA: true, transposeB: true }],
      [[4], [4, 5], {}], [[3, 4], [4], {}], [[4], [4], {}], [[4], [5, 4], { transposeB: true }], [[2, 3, 4], [4], {}], [[4], [2, 4, 3], {}],
      [[4], [4, 5], { transposeA: true }],
    ];
    for (const [sa, sb, opts] of cases)
      await checkGrad(E, r, `matmul ${JSON.stringify([sa, sb, opts])}`, (a, b) => eg.matmul(a, b, opts), [inp(randn(r, sa), sa), inp(randn(r, sb), sb)]);
    await checkGrad(E, r, 'matmul tiny', (a, b) => eg.matmul(a, b, { transposeB: true }), [inp(randn(r, [2, 3]), [2, 3]), inp(randn(r, [2, 3]), [2, 3])], { elementwise: true });
    await checkGrad(E, r, 'matmul a @ a.T', (a) => eg.matmul(a, a, { transposeB: true }), [inp(randn(r, [3, 4]), [3, 4])]);
  });

  test('layout ops: reshape transpose slice concat stack gather where broadcastTo expandDims squeeze', async () => {
    const r = rng(106);
    const x = randn(r, [2, 3, 4]);
    const X = inp(x, [2, 3, 4]);
    await checkGrad(E, r, 'reshape', (t) => eg.mul(eg.reshape(t, [4, 6]), eg.reshape(t, [4, 6])), [X]);
    const M42 = eg.tensor(randn(r, [4, 2]), [4, 2]);
    await checkGrad(E, r, 'reshape -1', (t) => eg.matmul(eg.reshape(t, [6, -1]), M42), [X]);
    for (const perm of [[2, 0, 1], [1, 0, 2], [0, 2, 1]]) await checkGrad(E, r, `transpose ${perm}`, (t) => eg.transpose(t, perm), [X]);
    await checkGrad(E, r, 'transpose default', (t) => eg.transpose(t), [X]);
    await checkGrad(E, r, 'slice', (t) => eg.slice(t, [1, 1, 0], [1, 2, 3]), [X], { elementwise: true });
    await checkGrad(E, r, 'slice negative begin, size -1', (t) => eg.slice(t, [0, -2], [-1, -1]), [X]);
    await checkGrad(E, r, 'slice twice, summed', (t) => eg.add(eg.slice(t, [0, 0, 0], [2, 2, 4]), eg.slice(t, [0, 1, 0], [2, 2, 4])), [X]);
    const y = randn(r, [2, 1, 4]), z = randn(r, [2, 2, 4]);
    await checkGrad(E, r, 'concat axis 1', (a, b, c) => eg.concat([a, b, c], 1), [X, inp(y, [2, 1, 4]), inp(z, [2, 2, 4])]);
    await checkGrad(E, r, 'concat axis -1 of one tensor with itself', (a) => eg.concat([a, eg.mul(a, 2)], -1), [X]);
    await checkGrad(E, r, 'stack axis 1', (a, b) => eg.stack([a, b], 1), [inp(randn(r, [3, 4]), [3, 4]), inp(randn(r, [3, 4]), [3, 4])]);
    // gather with repeated indices: their gradients accumulate
    const idx = [2, 0, 2, 2, 1];
    await checkGrad(E, r, 'gather axis 0 repeated', (t) => eg.gather(t, eg.tensor(Int32Array.from(idx), [5]), 0), [inp(randn(r, [3, 4]), [3, 4])], { elementwise: true });
    await checkGrad(E, r, 'gather axis 1 repeated', (t) => eg.gather(t, eg.tensor(Int32Array.from([0, 0, 2, 1]), [4]), 1), [X]);
    await checkGrad(E, r, 'gather axis 2, 2-D indices', (t) => eg.gather(t, eg.tensor(Int32Array.from([3, 3, 0, 1]), [2, 2]), 2), [X]);
    await checkGrad(E, r, 'gather with an index array', (t) => eg.gather(t, [1, 1, 0], 0), [inp(randn(r, [2, 3]), [2, 3])]);
    const cond = eg.tensor(Uint8Array.from({ length: 12 }, () => (r.uniform() < 0 ? 1 : 0)), [3, 4]);
    await checkGrad(E, r, 'where with broadcasting', (a, b) => eg.where(cond, a, b), [inp(randn(r, [3, 4]), [3, 4]), inp(randn(r, [4]), [4])], { elementwise: true });
    await checkGrad(E, r, 'where with a scalar branch', (a) => eg.where(cond, a, 0.5), [inp(randn(r, [1, 4]), [1, 4])]);
    await checkGrad(E, r, 'broadcastTo', (t) => eg.broadcastTo(t, [2, 3, 4]), [inp(randn(r, [3, 1]), [3, 1])], { elementwise: true });
    await checkGrad(E, r, 'expandDims + squeeze', (t) => eg.mul(eg.squeeze(eg.expandDims(t, 1)), t), [inp(randn(r, [3, 4]), [3, 4])]);
  });

  test('softmax logSoftmax logSumExp layerNorm rmsNorm', async () => {
    const r = rng(107);
    const X = inp(randn(r, [3, 5], 2), [3, 5]);
    for (const axis of [-1, 0]) {
      await checkGrad(E, r, `softmax axis ${axis}`, (t) => eg.softmax(t, axis), [X]);
      await checkGrad(E, r, `logSoftmax axis ${axis}`, (t) => eg.logSoftmax(t, axis), [X]);
    }
    await checkGrad(E, r, 'softmax 3-D axis 1', (t) => eg.softmax(t, 1), [inp(randn(r, [2, 3, 4]), [2, 3, 4])]);
    await checkGrad(E, r, 'softmax tiny', (t) => eg.softmax(t), [inp(randn(r, [2, 3]), [2, 3])], { elementwise: true });
    await checkGrad(E, r, 'logSumExp default axis', (t) => eg.logSumExp(t), [X], { elementwise: true });
    await checkGrad(E, r, 'logSumExp axes [0,2] keepDims', (t) => eg.logSumExp(t, [0, 2], true), [inp(randn(r, [2, 3, 4]), [2, 3, 4])]);
    await checkGrad(E, r, 'logSumExp axis 0', (t) => eg.logSumExp(t, 0), [X]);
    const L = [inp(randn(r, [4, 6], 2).map((v) => v + 1), [4, 6]), inp(randn(r, [6]), [6]), inp(randn(r, [6]), [6])];
    await checkGrad(E, r, 'layerNorm x', (x) => eg.layerNorm(x), [L[0]]);
    await checkGrad(E, r, 'layerNorm x, gamma, beta', (x, g, b) => eg.layerNorm(x, g, b), L);
    await checkGrad(E, r, 'layerNorm x, gamma', (x, g) => eg.layerNorm(x, g), L.slice(0, 2));
    await checkGrad(E, r, 'layerNorm x, beta', (x, b) => eg.layerNorm(x, null, b), [L[0], L[2]]);
    // tiny rows: spaced values keep each row's variance (and so the curvature) moderate
    await checkGrad(E, r, 'layerNorm 3-D tiny', (x, g, b) => eg.layerNorm(x, g, b), [inp(spaced(r, 12, 0.5), [2, 2, 3]), inp(randn(r, [3]), [3]), inp(randn(r, [3]), [3])], { elementwise: true });
    await checkGrad(E, r, 'rmsNorm x', (x) => eg.rmsNorm(x), [L[0]]);
    await checkGrad(E, r, 'rmsNorm x, gamma', (x, g) => eg.rmsNorm(x, g), L.slice(0, 2));
    await checkGrad(E, r, 'rmsNorm 3-D tiny', (x, g) => eg.rmsNorm(x, g), [inp(awayFromZero(r, [2, 2, 3], 0.5, 2), [2, 2, 3]), inp(randn(r, [3]), [3])], { elementwise: true });
  });

  test('a composite model: grads through matmul, gelu, layerNorm, logSoftmax', async () => {
    const r = rng(108);
    const x = eg.tensor(randn(r, [5, 4]), [5, 4]);
    await checkGrad(E, r, 'mlp block', (W1, b1, g, W2) => eg.logSoftmax(eg.matmul(eg.layerNorm(eg.gelu(eg.add(eg.matmul(x, W1), b1)), g), W2)),
      [inp(randn(r, [4, 6], 0.5), [4, 6]), inp(randn(r, [6], 0.1), [6]), inp(randu(r, [6], 0.5, 1.5), [6]), inp(randn(r, [6, 3], 0.5), [6, 3])]);
  });

  test('params as objects and arrays, argnums, unreached params, stopGradient, valueAndGrad', async () => {
    const r = rng(109);
    const a = randn(r, [3]), b = randn(r, [3]), c = randn(r, [2, 3]);
    const params = { a: eg.tensor(a), nested: [eg.tensor(b), { c: eg.tensor(c, [2, 3]) }], unused: eg.tensor([1, 2]) };
    // f = Σ a² + Σ (b ⊙ c)
    const f = (p) => eg.add(eg.sum(eg.square(p.a)), eg.sum(eg.mul(p.nested[0], p.nested[1].c)));
    const [value, g] = eg.valueAndGrad(f)(params);
    let want = 0;
    for (let i = 0; i < 3; i++) want += a[i] * a[i] + b[i] * (c[i] + c[3 + i]);
    assertClose(await value.data(), [want], { rtol: 1e-5, atol: 1e-6 }, 'valueAndGrad value');
    assert(Object.keys(g).join() === 'a,nested,unused' && Array.isArray(g.nested) && g.nested.length === 2 && Object.keys(g.nested[1]).join() === 'c', 'grads keep the params structure');
    assertClose(await g.a.data(), a.map((v) => 2 * v), { rtol: 1e-6, atol: 1e-7 }, 'grad a');
    assertClose(await g.nested[0].data(), b.map((_, i) => c[i] + c[3 + i]), { rtol: 1e-6, atol: 1e-6 }, 'grad b');
    assertShape(g.nested[1].c, [2, 3], 'grad c');
    assertClose(await g.nested[1].c.data(), [...b, ...b], { rtol: 1e-6, atol: 1e-7 }, 'grad c');
    assertClose(await g.unused.data(), [0, 0], { rtol: 0, atol: 0 }, 'unreached param gets zeros');

    // argnums: a list gives a list; a number gives that argument's tree
    const h = (x, y, z) => eg.sum(eg.mul(eg.mul(x, y), z));
    const X = eg.tensor(a), Y = eg.tensor(b), Z = eg.tensor(Float32Array.from(c.slice(0, 3)));
    const [gx, gz] = eg.grad(h, { argnums: [0, 2] })(X, Y, Z);
    assertClose(await gx.data(), a.map((_, i) => b[i] * c[i]), { rtol: 1e-6, atol: 1e-6 }, 'argnums [0,2]: x');
    assertClose(await gz.data(), a.map((v, i) => v * b[i]), { rtol: 1e-6, atol: 1e-6 }, 'argnums [0,2]: z');
    const gy = eg.grad(h, { argnums: 1 })(X, Y, Z);
    assert(!Array.isArray(gy), 'argnums number returns one tree');
    assertClose(await gy.data(), a.map((v, i) => v * c[i]), { rtol: 1e-6, atol: 1e-6 }, 'argnums 1');
    const [gArr] = eg.grad((ps) => eg.sum(eg.mul(ps[0], ps[1])), { argnums: [0] })([X, Y]);
    assert(Array.isArray(gArr) && gArr.length === 2, 'array params give an array of grads');
    assertClose(await gArr[1].data(), a, { rtol: 1e-6, atol: 1e-7 }, 'array params grad');

    // stopGradient: Σ x ⊙ sg(x) has gradient x, not 2x; sg(x) alone has none
    const gs = eg.grad((x) => eg.sum(eg.mul(x, eg.stopGradient(x))))(X);
    assertClose(await gs.data(), a, { rtol: 1e-6, atol: 1e-7 }, 'stopGradient');
    const g0 = eg.grad((x) => eg.sum(eg.exp(eg.stopGradient(x))))(X);
    assertClose(await g0.data(), [0, 0, 0], { rtol: 0, atol: 0 }, 'stopGradient alone');
    // the identity function: grad is ones and its own tensor
    const gi = eg.grad((x) => eg.sum(x))(X);
    assert(gi !== X, 'grad is not the parameter');
    assertClose(await gi.data(), [1, 1, 1], { rtol: 0, atol: 0 }, 'grad of sum');
  });

  test('errors: non-scalar output, int parameters, bad argnums', async () => {
    const x = eg.tensor([1, 2, 3]);
    const throws = async (fn, re, what) => { try { await fn(); } catch (e) { if (!re.test(e.message)) fail(`${what}: message "${e.message}" does not match ${re}`); return; } fail(`${what}: expected an error`); };
    await throws(() => eg.grad((t) => eg.mul(t, 2))(x), /one-element|scalar/i, 'non-scalar');
    await throws(() => eg.grad((t) => eg.sum(t))(eg.tensor(Int32Array.from([1, 2]))), /float32/, 'int param');
    await throws(() => eg.grad((t) => eg.sum(t), { argnums: 3 })(x), /argnums/, 'argnums range');
  });

  test('vjp and jvp are adjoint: <vjp(u), v> = <u, jvp(v)>; jvp matches finite differences', async () => {
    const r = rng(110);
    const W = eg.tensor(randn(r, [4, 3], 0.6), [4, 3]);
    const f = (p) => eg.tanh(eg.add(eg.matmul(p.x, W), eg.sin(p.b)));
    const xd = randn(r, [2, 4]), bd = randn(r, [3]);
    const x = { x: eg.tensor(xd, [2, 4]), b: eg.tensor(bd) };
    const vx = randn(r, [2, 4]), vb = randn(r, [3]), u = randn(r, [2, 3]);
    const [out, back] = eg.vjp(f, x);
    assertShape(out, [2, 3], 'vjp output');
    const ct = back(eg.tensor(u, [2, 3]));
    const [out2, jv] = eg.jvp(f, x, { x: eg.tensor(vx, [2, 4]), b: eg.tensor(vb) });
    assertClose(await out2.data(), await out.data(), { rtol: 1e-6, atol: 1e-6 }, 'jvp primal = vjp primal');
    assertShape(jv, [2, 3], 'jvp tangent');
    const cx = await ct.x.data(), cb = await ct.b.data(), j = await jv.data();
    let lhs = 0, rhs = 0;
    for (let i = 0; i < 8; i++) lhs += cx[i] * vx[i];
    for (let i = 0; i < 3; i++) lhs += cb[i] * vb[i];
    for (let i = 0; i < 6; i++) rhs += u[i] * j[i];
    assert(Math.abs(lhs - rhs) <= 1e-4 * (Math.abs(lhs) + 1), `<vjp(u), v> ${lhs} != <u, jvp(v)> ${rhs}`);
    back.dispose();
    // J v by central differences
    const e = 1e-2;
    const at = async (s) => f({ x: eg.tensor(xd.map((v, i) => v + s * vx[i]), [2, 4]), b: eg.tensor(bd.map((v, i) => v + s * vb[i])) }).data();
    const fp = await at(e), fm = await at(-e);
    assertClose(j, Array.from(fp, (v, i) => (v - fm[i]) / (2 * e)), { rtol: 2e-3, atol: 2e-3 }, 'jvp vs finite differences');
  });

  test('hvp matches finite differences of grad; grad of grad', async () => {
    const r = rng(111);
    const A = eg.tensor(randn(r, [5, 5], 0.5), [5, 5]);
    const f = (x) => eg.add(eg.sum(eg.mul(eg.tanh(eg.matmul(A, x)), x)), eg.sum(eg.pow(eg.abs(x), 3)));
    const xd = awayFromZero(r, [5], 0.3, 1.5), vd = randn(r, [5]);
    const hv = await eg.hvp(f, eg.tensor(xd), eg.tensor(vd)).data();
    const e = 1e-2;
    const gp = await eg.grad(f)(eg.tensor(xd.map((v, i) => v + e * vd[i]))).data();
    const gm = await eg.grad(f)(eg.tensor(xd.map((v, i) => v - e * vd[i]))).data();
    assertClose(hv, Array.from(gp, (v, i) => (v - gm[i]) / (2 * e)), { rtol: 3e-3, atol: 3e-3 }, 'hvp vs finite differences of grad');
    // hvp on a tree
    const g = (p) => eg.sum(eg.mul(eg.square(p.a), p.b));
    const a = randn(r, [3]), b = randn(r, [3]), va = randn(r, [3]), vb = randn(r, [3]);
    const H = eg.hvp(g, { a: eg.tensor(a), b: eg.tensor(b) }, { a: eg.tensor(va), b: eg.tensor(vb) });
    // ∂²/∂a² = 2b, ∂²/∂a∂b = 2a
    assertClose(await H.a.data(), a.map((_, i) => 2 * b[i] * va[i] + 2 * a[i] * vb[i]), { rtol: 1e-5, atol: 1e-5 }, 'hvp tree a');
    assertClose(await H.b.data(), a.map((_, i) => 2 * a[i] * va[i]), { rtol: 1e-5, atol: 1e-5 }, 'hvp tree b');
    // grad of grad: d/dx Σ_i ∂/∂x_i Σ tanh(x) = -2 tanh(x)(1 - tanh²(x)); and a third derivative
    const x = randn(r, [6]);
    const gg = await eg.grad((t) => eg.sum(eg.grad((s) => eg.sum(eg.tanh(s)))(t)))(eg.tensor(x)).data();
    assertClose(gg, x.map((v) => { const t = Math.tanh(Math.fround(v)); return -2 * t * (1 - t * t); }), { rtol: 1e-4, atol: 1e-5 }, 'grad of grad tanh');
    const g3 = await eg.grad((t) => eg.sum(eg.grad((s) => eg.sum(eg.grad((q) => eg.sum(eg.pow(q, 4)))(s)))(t)))(eg.tensor(x)).data();
    assertClose(g3, x.map((v) => 24 * Math.fround(v)), { rtol: 1e-4, atol: 1e-4 }, 'third derivative of x⁴');
  });

  test('a 200-step grad loop keeps eg.memory() flat', async () => {
    const r = rng(112);
    const X = eg.tensor(randn(r, [16, 4]), [16, 4]), Y = eg.tensor(randn(r, [16, 2]), [16, 2]);
    let p = { W: eg.tensor(randn(r, [4, 2], 0.3), [4, 2]), b: eg.zeros([2]) };
    const loss = (q) => eg.mean(eg.square(eg.sub(eg.add(eg.matmul(X, q.W), q.b), Y)));
    const vg = eg.valueAndGrad(loss);
    let first = 0, before = 0, last = Infinity;
    const steps = gpu ? 60 : 200;
    for (let i = 0; i < steps; i++) {
      const [v, g] = vg(p);
      const next = eg.scope(() => ({ W: eg.sub(p.W, eg.mul(g.W, 0.1)), b: eg.sub(p.b, eg.mul(g.b, 0.1)) }));
      eg.dispose([p, g]);
      p = next;
      if (i === 0) first = await v.item();
      if (i === steps - 1) last = await v.item();
      v.dispose();
      if (i === 1) before = eg.memory().tensors;
      if (i > 1) assert(eg.memory().tensors === before, `step ${i}: ${eg.memory().tensors} live tensors, ${before} after step 1`);
    }
    assert(last < first, `the loss went down (${first} -> ${last})`);
    // hvp and jvp loops too
    const m0 = eg.memory().tensors;
    for (let i = 0; i < 20; i++) {
      eg.dispose(eg.hvp(loss, p, p));
      const [o, t] = eg.jvp((q) => eg.matmul(X, q.W), p, p);
      eg.dispose([o, t]);
    }
    assert(eg.memory().tensors === m0, `hvp/jvp loop leaked ${eg.memory().tensors - m0} tensors`);
  });
}
