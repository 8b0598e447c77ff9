// eg.nn (layers, losses, initialisers) and an end-to-end training run on Iris with eg.optim.
import { rng, randn, randi, assert, assertClose, assertShape, expectThrows, SEED } from './_util.js';
import { IRIS_FEATURES, IRIS_LABELS } from './iris-data.js';

function fail(msg) { throw new Error(`${msg} [seed ${SEED}; rerun with EG_SEED=${SEED}]`); }

function ceOracle(z, rows, C, target /* (i, c) -> weight */) {
  let total = 0;
  for (let i = 0; i < rows; i++) {
    const row = Array.from(z.subarray(i * C, i * C + C));
    const m = Math.max(...row), lse = Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0)) + m;
    for (let c = 0; c < C; c++) total -= target(i, c) * (row[c] - lse);
  }
  return total / rows;
}

function moments(v) {
  let m = 0, s = 0;
  for (const x of v) m += x;
  m /= v.length;
  for (const x of v) s += (x - m) ** 2;
  return [m, s / (v.length - 1)];
}

/** Fixed stratified split: every third row of each class is held out (102 train, 48 test). */
function irisSplit() {
  const seen = [0, 0, 0], train = [], test = [];
  IRIS_LABELS.forEach((y, i) => (seen[y]++ % 3 === 2 ? test : train).push(i));
  const mu = [0, 1, 2, 3].map((c) => train.reduce((s, i) => s + IRIS_FEATURES[i][c], 0) / train.length);
  const sd = [0, 1, 2, 3].map((c) => Math.sqrt(train.reduce((s, i) => s + (IRIS_FEATURES[i][c] - mu[c]) ** 2, 0) / train.length));
  const pack = (idx) => ({
    x: Float32Array.from(idx.flatMap((i) => IRIS_FEATURES[i].map((v, c) => (v - mu[c]) / sd[c]))),
    y: Int32Array.from(idx, (i) => IRIS_LABELS[i]),
    n: idx.length,
  });
  return { train: pack(train), test: pack(test) };
}

export default function (test, { eg, backend }) {
  const gpu = backend === 'webgpu';

  test('crossEntropy matches float64 for class ids, one-hot and soft labels; stable for large logits', async () => {
    const r = rng(301);
    for (const [rows, C, scale] of [[5, 3, 1], [16, 10, 3], [4, 7, 200]]) {
      const z = randn(r, [rows, C], scale);
      const ids = randi(r, [rows], 0, C);
      const Z = eg.tensor(z, [rows, C]);
      const want = ceOracle(z, rows, C, (i, c) => +(ids[i] === c));
      assertClose(await eg.nn.crossEntropy(Z, eg.tensor(ids)).data(), [want], { rtol: 1e-5, atol: 1e-5 }, `crossEntropy ids ${rows}x${C} scale ${scale}`);
      const onehot = Float32Array.from({ length: rows * C }, (_, k) => +(ids[Math.floor(k / C)] === k % C));
      assertClose(await eg.nn.crossEntropy(Z, eg.tensor(onehot, [rows, C])).data(), [want], { rtol: 1e-5, atol: 1e-5 }, 'crossEntropy one-hot');
      const soft = Float32Array.from({ length: rows * C }, () => r.uniform(0, 1));
      for (let i = 0; i < rows; i++) { let s = 0; for (let c = 0; c < C; c++) s += soft[i * C + c]; for (let c = 0; c < C; c++) soft[i * C + c] /= s; }
      assertClose(await eg.nn.crossEntropy(Z, eg.tensor(soft, [rows, C])).data(), [ceOracle(z, rows, C, (i, c) => soft[i * C + c])], { rtol: 1e-5, atol: 1e-5 }, 'crossEntropy soft labels');
    }
    // leading axes are all batch axes; uint8 ids work too
    const z = randn(r, [2, 3, 4]);
    const ids = Uint8Array.from([0, 3, 1, 2, 2, 0]);
    assertClose(await eg.nn.crossEntropy(eg.tensor(z, [2, 3, 4]), eg.tensor(ids, [2, 3])).data(), [ceOracle(z, 6, 4, (i, c) => +(ids[i] === c))], { rtol: 1e-5, atol: 1e-6 }, 'crossEntropy 3-D');
    const big = await eg.nn.crossEntropy(eg.tensor([[1000, -1000, 0]]), eg.tensor(Int32Array.from([1]))).data();
    assertClose(big, [2000], { rtol: 1e-6, atol: 0 }, 'crossEntropy of huge logits is finite');
    await expectThrows(() => eg.nn.crossEntropy(eg.tensor(z, [2, 3, 4]), eg.tensor(Int32Array.from([1, 2]))), /shape/, 'wrong label shape');
  });

  test('crossEntropy gradient is (softmax - onehot) / N; mse and accuracy', async () => {
    const r = rng(302);
    const N = 6, C = 4;
    const z = randn(r, [N, C], 2), ids = randi(r, [N], 0, C);
    const g = await eg.grad((t) => eg.nn.crossEntropy(t, eg.tensor(ids)))(eg.tensor(z, [N, C])).data();
    const want = [];
    for (let i = 0; i < N; i++) {
      const row = Array.from(z.subarray(i * C, i * C + C)), m = Math.max(...row), e = row.map((v) => Math.exp(v - m)), s = e.reduce((p, q) => p + q, 0);
      for (let c = 0; c < C; c++) want.push((e[c] / s - +(ids[i] === c)) / N);
    }
    assertClose(g, want, { rtol: 1e-4, atol: 1e-6 }, 'dCE/dlogits');
    const p = randn(r, [3, 4]), t = randn(r, [4]);
    let se = 0;
    for (let i = 0; i < 12; i++) se += (p[i] - t[i % 4]) ** 2;
    assertClose(await eg.nn.mse(eg.tensor(p, [3, 4]), eg.tensor(t)).data(), [se / 12], { rtol: 1e-5, atol: 1e-6 }, 'mse with broadcasting');
    const acc = await eg.nn.accuracy(eg.tensor([[1, 2, 0], [3, 1, 0], [0, 0, 5], [1, 0, 0]]), eg.tensor(Int32Array.from([1, 0, 1, 0]))).data();
    assertClose(acc, [0.75], { rtol: 0, atol: 1e-7 }, 'accuracy');
  });

  test('initializers: Glorot and He variances, bounds and fans', async () => {
    const k = eg.random.key(SEED);
    const tolVar = (v, want, n, what) => {
      // sample variance of n iid draws: sd ≈ want·sqrt(2/n) (normal), less for uniform
      if (!(Math.abs(v - want) <= 5 * want * Math.sqrt(2 / n))) fail(`${what}: variance ${v} vs ${want}`);
    };
    const gu = await eg.nn.init.glorot(k, [200, 300]).data();
    const [m1, v1] = moments(gu);
    tolVar(v1, 2 / 500, gu.length, 'glorot uniform');
    assert(Math.abs(m1) < 5 * Math.sqrt(2 / 500 / gu.length), `glorot mean ${m1}`);
    const lim = Math.sqrt(6 / 500);
    assert(gu.every((x) => Math.abs(x) <= lim + 1e-7), 'glorot uniform stays within ±sqrt(6/(fanIn+fanOut))');
    const gn = await eg.nn.init.glorot(eg.random.foldIn(k, 1), [200, 300], { distribution: 'normal' }).data();
    tolVar(moments(gn)[1], 2 / 500, gn.length, 'glorot normal');
    const he = await eg.nn.init.he(eg.random.foldIn(k, 2), [400, 100]).data();
    tolVar(moments(he)[1], 2 / 400, he.length, 'he normal');
    const hu = await eg.nn.init.he(eg.random.foldIn(k, 3), [400, 100], { distribution: 'uniform' }).data();
    tolVar(moments(hu)[1], 2 / 400, hu.length, 'he uniform');
    assert(hu.every((x) => Math.abs(x) <= Math.sqrt(6 / 400) + 1e-7), 'he uniform bounds');
    // conv-like shapes: leading axes multiply both fans
    const c = await eg.nn.init.he(eg.random.foldIn(k, 4), [3, 3, 64, 32]).data();
    tolVar(moments(c)[1], 2 / (9 * 64), c.length, 'he with a receptive field');
    // same key, same values; different keys differ
    assertClose(await eg.nn.init.glorot(k, [200, 300]).data(), gu, { rtol: 0, atol: 0 }, 'glorot is deterministic per key');
  });

  test('linear and mlp: shapes, bias option, gradients through the mlp by finite differences', async () => {
    const r = rng(303);
    const key = eg.random.key(SEED);
    const lin = eg.nn.linear(3, 5, { key });
    assertShape(lin.W, [3, 5], 'W'); assertShape(lin.b, [5], 'b');
    assert(!('b' in eg.nn.linear(3, 5, { key, bias: false })), 'bias: false has no b');
    const xd = randn(r, [4, 3]);
    const y = await eg.nn.applyLinear(lin, eg.tensor(xd, [4, 3])).data();
    const W = await lin.W.data();
    const want = [];
    for (let i = 0; i < 4; i++) for (let j = 0; j < 5; j++) { let s = 0; for (let k = 0; k < 3; k++) s += xd[i * 3 + k] * W[k * 5 + j]; want.push(s); }
    assertClose(y, want, { rtol: 1e-5, atol: 1e-5 }, 'applyLinear');
    await expectThrows(() => eg.nn.linear(0, 3, { key }), /positive/, 'bad sizes');
    await expectThrows(() => eg.nn.mlp([4]), /sizes/, 'mlp sizes');

    for (const activation of ['tanh', 'gelu', 'sigmoid']) {
      const net = eg.nn.mlp([3, 6, 5, 4], { key: eg.random.foldIn(key, 1), activation });
      const params = net.init();
      assert(params.length === 3 && params[1].W.shape.join() === '6,5', 'mlp init layout');
      const X = eg.tensor(randn(r, [7, 3]), [7, 3]);
      const ids = eg.tensor(randi(r, [7], 0, 4));
      assertShape(net.apply(params, X), [7, 4], 'mlp output');
      const loss = (p) => eg.nn.crossEntropy(net.apply(p, X), ids);
      const [value, grads] = eg.valueAndGrad(loss)(params);
      const g = await Promise.all(grads.flatMap((l) => [l.W.data(), l.b.data()]));
      const base = await Promise.all(params.flatMap((l) => [l.W.data(), l.b.data()]));
      const v = base.map((b) => randn(r, [b.length]));
      const at = async (h) => {
        const p = params.map((l, i) => ({ W: eg.tensor(base[2 * i].map((x, k) => x + h * v[2 * i][k]), l.W.shape), b: eg.tensor(base[2 * i + 1].map((x, k) => x + h * v[2 * i + 1][k]), l.b.shape) }));
        return eg.nn.crossEntropy(net.apply(p, X), ids).item();
      };
      // Richardson-extrapolated central differences
      const e = 1e-2;
      const d1 = ((await at(e)) - (await at(-e))) / (2 * e), d2 = ((await at(e / 2)) - (await at(-e / 2))) / e;
      const fd = (4 * d2 - d1) / 3;
      let ad = 0, gn = 0;
      g.forEach((gi, i) => gi.forEach((x, k) => { ad += x * v[i][k]; gn += x * x; }));
      const bound = 3e-3 * Math.max(Math.abs(fd), 0.05 * Math.sqrt(gn)) + 2e-4;
      if (!(Math.abs(ad - fd) <= bound)) fail(`mlp(${activation}) directional derivative: autodiff ${ad} vs finite differences ${fd}`);
      assert(Number.isFinite(await value.item()), 'loss value');
    }
  });

  test('an MLP trained on Iris with eg.optim.adam reaches >= 90% test accuracy', async () => {
    const { train, test: held } = irisSplit();
    const X = eg.tensor(train.x, [train.n, 4]), Y = eg.tensor(train.y);
    const Xt = eg.tensor(held.x, [held.n, 4]), Yt = eg.tensor(held.y);
    const net = eg.nn.mlp([4, 16, 3], { key: eg.random.key(SEED), activation: 'tanh' });
    const params = net.init();
    const vg = eg.valueAndGrad((p) => eg.nn.crossEntropy(net.apply(p, X), Y));
    const opt = eg.optim.adam(params, { lr: 0.05 });
    const steps = gpu ? 60 : 120;
    let first = 0, last = 0;
    const m0 = eg.memory().tensors;
    for (let s = 0; s < steps; s++) {
      const [loss, g] = vg(params);
      opt.step(g);
      if (s === 0) first = await loss.item();
      if (s === steps - 1) last = await loss.item();
      eg.dispose([loss, g]);
    }
    assert(eg.memory().tensors === m0, `training leaked ${eg.memory().tensors - m0} tensors`);
    assert(last < first * 0.5, `loss fell from ${first} to ${last}`);
    const acc = await eg.scope(() => eg.nn.accuracy(net.apply(params, Xt), Yt)).item();
    assert(acc >= 0.9, `test accuracy ${acc} < 0.9 (train loss ${last})`);
  });
}
