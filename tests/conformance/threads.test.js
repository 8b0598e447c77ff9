// Threads (init({ threads }), wasm backend). On the 'wasm-mt' variant (ctx.threads = 2) every
// kernel family that splits is run twice in the same process: with the split threshold at
// Infinity (one thread) and at 0 (every call split), on random shapes that split unevenly;
// the results must agree bit for bit (matmul also within its contract against float64).
// Everywhere else: nothing runs in parallel and the capability report says why.
import { rng, randn, assert, assertClose, tol, matmulOracle } from './_util.js';

/** Same bits (NaN = NaN; -0 != +0). */
function assertSameBits(got, want, what) {
  assert(got.length === want.length, `${what}: length ${got.length} != ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) assert(false, `${what}: [${i}] threaded ${got[i]} != single-threaded ${want[i]}`);
  }
}

/** The matmul suite's error scale: sums of k products of unit normals are about √k in size. */
const contract = (size, k) => new Float64Array(size).fill(Math.sqrt(k) * 3);

export default (test, { eg, backend, runtime, threads }) => {
  const wasm = () => eg.capabilities().backends.wasm;

  if (!threads) {
    test('no pool: the report says why, and no call is split', async () => {
      const w = wasm();
      assert(w.threads === false && w.threadCount === 1, `threads ${w.threads}, threadCount ${w.threadCount}`);
      assert(typeof w.threadsReason === 'string' && w.threadsReason.length > 10, `threadsReason: ${w.threadsReason}`);
      if (runtime === 'workerd') assert(/workerd/.test(w.threadsReason), `workerd's reason should name it: ${w.threadsReason}`);
      eg.resetStats();
      const r = rng(901), n = 1 << 17;
      const y = eg.add(eg.tensor(randn(r, [n])), eg.tensor(randn(r, [n])));
      await y.data();
      assert(eg.stats().parallel.launches === 0, `parallel launches ${eg.stats().parallel.launches} without a pool`);
    });
    return;
  }

  /** fn's arrays with every call on one thread, then with every call split. */
  const both = async (fn) => {
    const prev = eg.setThresholds({ threads: Infinity });
    try {
      const one = await fn();
      eg.setThresholds({ threads: 0 });
      eg.resetStats();
      const many = await fn();
      return { one, many, launches: eg.stats().parallel.launches };
    } finally {
      eg.setThresholds(prev);
    }
  };
  const read = (ts) => Promise.all(ts.map((t) => t.data()));

  test('the report says threads are on', () => {
    const w = wasm();
    assert(w.threads === true && w.threadCount === threads, `threads ${w.threads}, threadCount ${w.threadCount}, reason ${w.threadsReason}`);
  });

  test('elementwise and broadcasting: bit-identical, uneven sizes', async () => {
    const r = rng(902);
    for (let trial = 0; trial < 3; trial++) {
      const n = 64 * r.int(5, 200) + r.int(1, 63); // not a multiple of the 64-element blocks
      const rows = r.int(3, 40), cols = r.int(5, 300);
      const a = eg.tensor(randn(r, [n])), b = eg.tensor(randn(r, [n]).map((v) => v + 3));
      const m = eg.tensor(randn(r, [rows, cols]), [rows, cols]), row = eg.tensor(randn(r, [cols]), [cols]);
      const { one, many, launches } = await both(() => read([
        eg.add(a, b), eg.mul(a, b), eg.div(a, b), eg.pow(eg.abs(a), b), eg.maximum(a, b), eg.less(a, b),
        eg.exp(a), eg.tanh(a), eg.sigmoid(a), eg.gelu(a), eg.sqrt(eg.abs(a)),
        eg.sub(m, row), eg.mul(row, m), eg.greater(m, row),
      ]));
      assert(launches >= 14, `only ${launches} parallel launches for 14+ split calls`);
      one.forEach((o, i) => assertSameBits(many[i], o, `op ${i} (n ${n}, [${rows},${cols}])`));
    }
  });

  test('fused optimizers: bit-identical parameters and state after 5 steps', async () => {
    const r = rng(903);
    const n = 64 * r.int(50, 300) + r.int(1, 63);
    const p0 = randn(r, [n]), grads = Array.from({ length: 5 }, () => randn(r, [n]));
    for (const [name, o] of [['adam', { lr: 0.01, weightDecay: 0.01 }], ['sgd', { lr: 0.1, momentum: 0.9, nesterov: true }], ['lion', { lr: 1e-3 }]]) {
      const { one, many, launches } = await both(async () => {
        const p = eg.tensor(p0.slice());
        const opt = eg.optim[name](p, o);
        for (const g of grads) await opt.step(eg.tensor(g));
        return [await p.data()];
      });
      assert(launches >= 5, `${name}: ${launches} parallel launches for 5 steps`);
      assertSameBits(many[0], one[0], `${name} parameters (n ${n})`);
    }
  });

  test('reductions (by rows, or by columns over the leading axis), softmax and norms: bit-identical', async () => {
    const r = rng(904);
    const rows = r.int(3, 97), cols = r.int(2, 700);
    const x = eg.tensor(randn(r, [rows, cols]), [rows, cols]), g = eg.tensor(randn(r, [cols]));
    const { one, many, launches } = await both(() => read([
      eg.sum(x, 1), eg.max(x, 1), eg.argmax(x, 1), eg.mean(x, -1), eg.softmax(x, 1), eg.logSoftmax(x, 1),
      eg.logSumExp(x, 1), eg.layerNorm(x, g), eg.rmsNorm(x, g),
      // over the leading axis: split by columns (16-column blocks)
      eg.sum(x, 0), eg.mean(x, 0), eg.min(x, 0), eg.argmin(x, 0),
    ]));
    assert(launches >= (cols >= 32 ? 13 : 9), `${launches} parallel launches for 13 calls (${cols} columns)`);
    one.forEach((o, i) => assertSameBits(many[i], o, `row op ${i} ([${rows},${cols}])`));
  });

  test('matmul: random shapes split unevenly, within the contract and equal to one thread', async () => {
    const r = rng(905);
    const shapes = [[1, r.int(9, 300), r.int(1, 200)], [r.int(9, 200), 1, r.int(1, 90)], [r.int(17, 131), r.int(3, 150), r.int(1, 300)]];
    for (const [m, n, k] of shapes) {
      for (const [tA, tB] of [[false, false], [true, false], [false, true]]) {
        const A = randn(r, [m, k]), B = randn(r, [k, n]);
        const at = tA ? eg.transpose(eg.tensor(A, [m, k])) : eg.tensor(A, [m, k]);
        const bt = tB ? eg.transpose(eg.tensor(B, [k, n])) : eg.tensor(B, [k, n]);
        const { one, many } = await both(() => read([eg.matmul(at, bt, { transposeA: tA, transposeB: tB })]));
        const what = `[${m},${k}]${tA ? 'ᵀ' : ''} x [${k},${n}]${tB ? 'ᵀ' : ''}`;
        assertClose(many[0], matmulOracle(A, B, m, n, k), tol('matmul', backend), what, contract(m * n, k));
        assertSameBits(many[0], one[0], what);
      }
    }
    // a batch of products, split by matrix
    const [bt, m, n, k] = [r.int(2, 5), r.int(3, 40), r.int(3, 40), r.int(3, 40)];
    const A = randn(r, [bt, m, k]), B = randn(r, [bt, k, n]);
    const { one, many, launches } = await both(() => read([eg.matmul(eg.tensor(A, [bt, m, k]), eg.tensor(B, [bt, k, n]))]));
    assert(launches >= 1, 'the batched product was not split');
    assertClose(many[0], matmulOracle(A, B, m, n, k, bt), tol('matmul', backend), `batch ${bt} of [${m},${k}] x [${k},${n}]`, contract(bt * m * n, k));
    assertSameBits(many[0], one[0], 'batched matmul');
  });

  test('quantized matmul (GEMV by weight rows, GEMM by activation rows): bit-identical', async () => {
    const r = rng(906);
    const n = r.int(9, 70), k = 32 * r.int(1, 6);
    for (const type of ['Q8_0', 'Q4_0']) {
      const qw = eg.quant.quantizeGGML(randn(r, [n, k]), type, [n, k]);
      for (const m of [1, r.int(2, 9)]) {
        const x = eg.tensor(randn(r, [m, k]), [m, k]);
        const { one, many, launches } = await both(() => read([eg.quant.linear(x, qw)]));
        assert(launches >= 1, `${type} m=${m}: not split`);
        assertSameBits(many[0], one[0], `${type} [${m},${k}] x [${n},${k}]ᵀ`);
      }
    }
  });
};
