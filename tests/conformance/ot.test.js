// eg.ot: Sinkhorn (log and standard, batched), Sinkhorn-Newton-Sparse, the exact solver and
// the differentiable entropic value, against a float64 log-domain Sinkhorn written here, the
// 2x2 closed form and brute-force assignment.
import { rng, assert, assertClose, expectThrows, SEED } from './_util.js';

function fail(msg) { throw new Error(`${msg} [seed ${SEED}; rerun with EG_SEED=${SEED}]`); }

/** float64 log-domain Sinkhorn to convergence: { plan, f, g, value } (value = ⟨f,a⟩ + ⟨g,b⟩). */
export function sinkhornRef(a, b, C, reg, iters = 20000) {
  const n = a.length, m = b.length;
  const f = new Float64Array(n), g = new Float64Array(m), t = new Float64Array(Math.max(n, m));
  // reg·log Σ exp((h − c)/reg) over k of values h_k − c_k
  const softmin = (len, val) => {
    let mx = -Infinity;
    for (let k = 0; k < len; k++) { t[k] = val(k); if (t[k] > mx) mx = t[k]; }
    let s = 0;
    for (let k = 0; k < len; k++) s += Math.exp((t[k] - mx) / reg);
    return mx + reg * Math.log(s);
  };
  for (let it = 0; it < iters; it++) {
    for (let i = 0; i < n; i++) f[i] = reg * Math.log(a[i]) - softmin(m, (j) => g[j] - C[i * m + j]);
    let err = 0;
    for (let j = 0; j < m; j++) {
      const gj = reg * Math.log(b[j]) - softmin(n, (i) => f[i] - C[i * m + j]);
      err = Math.max(err, Math.abs(gj - g[j]));
      g[j] = gj;
    }
    if (err < 1e-13 && it > 2) break;
  }
  const plan = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) plan[i * m + j] = Math.exp((f[i] + g[j] - C[i * m + j]) / reg);
  let value = 0;
  for (let i = 0; i < n; i++) value += f[i] * a[i];
  for (let j = 0; j < m; j++) value += g[j] * b[j];
  return { plan, f, g, value };
}

const hist = (r, n) => { const h = Array.from({ length: n }, () => r.uniform(0.2, 1)); const s = h.reduce((x, y) => x + y, 0); return h.map((v) => v / s); };
const costs = (r, n, m) => Float64Array.from({ length: n * m }, () => r.uniform(0, 1));
const T = (eg, data, shape) => eg.tensor(Float32Array.from(data), shape);

function marginals(plan, n, m) {
  const rows = new Float64Array(n), cols = new Float64Array(m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) { rows[i] += plan[i * m + j]; cols[j] += plan[i * m + j]; }
  return [rows, cols];
}

export default function (test, { eg, backend }) {
  const gpu = backend === 'webgpu';
  const close = { rtol: 2e-4, atol: 2e-6 };

  test('ot.sinkhorn: the 2x2 closed form, log and standard', async () => {
    for (const reg of [0.5, 0.2]) {
      const q = Math.exp(1 / reg), off = 1 / (2 * (1 + q));
      for (const method of ['log', 'standard']) {
        const r = await eg.ot.sinkhorn(eg.tensor([0.5, 0.5]), eg.tensor([0.5, 0.5]), eg.tensor([[0, 1], [1, 0]]), { reg, method, tol: 1e-6 });
        assertClose(await r.plan.data(), [0.5 - off, off, off, 0.5 - off], close, `2x2 ${method} reg ${reg}`);
        assertClose([r.cost], [2 * off], close, `2x2 cost ${method}`);
        assert(r.converged && r.error <= 1e-6, `2x2 ${method}: converged ${r.converged}, error ${r.error}`);
      }
    }
  });

  test('ot.sinkhorn: plan, marginals and potentials against a float64 log-domain Sinkhorn', async () => {
    const r = rng(701);
    const sizes = gpu ? [[7, 5], [37, 45]] : [[7, 5], [37, 45], [67, 130]];
    for (const [n, m] of sizes) for (const method of ['log', 'standard']) {
      const a = hist(r, n), b = hist(r, m), C = costs(r, n, m), reg = 0.1;
      const ref = sinkhornRef(a, b, C, reg);
      const out = await eg.ot.sinkhorn(T(eg, a, [n]), T(eg, b, [m]), T(eg, C, [n, m]), { reg, method, tol: 1e-5 });
      const plan = await out.plan.data();
      assertClose(plan, ref.plan, { rtol: 2e-3, atol: 1e-6 }, `${method} plan ${n}x${m}`);
      const [rows, cols] = marginals(plan, n, m);
      assertClose(rows, a, { rtol: 1e-3, atol: 1e-6 }, `${method} row marginals ${n}x${m}`);
      assertClose(cols, b, { rtol: 1e-3, atol: 1e-6 }, `${method} column marginals ${n}x${m}`);
      assert(out.converged && out.error <= 1e-5, `${method} ${n}x${m}: error ${out.error}`);
      // plan = exp((f ⊕ g − C)/reg): the potentials are the ones the plan is made of
      const f = await out.f.data(), g = await out.g.data();
      const rebuilt = Float64Array.from({ length: n * m }, (_, k) => Math.exp((f[Math.floor(k / m)] + g[k % m] - C[k]) / reg));
      assertClose(plan, rebuilt, { rtol: 1e-3, atol: 1e-7 }, `${method} plan from f, g`);
      let cost = 0;
      for (let k = 0; k < n * m; k++) cost += ref.plan[k] * C[k];
      assertClose([out.cost], [cost], { rtol: 1e-3, atol: 1e-6 }, `${method} cost`);
    }
  });

  test('ot.sinkhorn: batched problems, with a shared C and with one C per problem', async () => {
    const r = rng(702);
    const B = 3, n = 9, m = 6, reg = 0.15;
    const as = [], bs = [], Cs = [];
    for (let t = 0; t < B; t++) { as.push(...hist(r, n)); bs.push(...hist(r, m)); Cs.push(...costs(r, n, m)); }
    const shared = Cs.slice(0, n * m);
    for (const [Cdata, Cshape] of [[shared, [n, m]], [Cs, [B, n, m]]]) {
      const out = await eg.ot.sinkhorn(T(eg, as, [B, n]), T(eg, bs, [B, m]), T(eg, Cdata, Cshape), { reg, tol: 1e-5 });
      assert(out.plan.shape.join() === [B, n, m].join() && out.f.shape.join() === [B, n].join(), `batched shapes ${out.plan.shape}`);
      assert(Array.isArray(out.cost) && out.cost.length === B, 'one cost per problem');
      const plan = await out.plan.data();
      for (let t = 0; t < B; t++) {
        const Ct = Cshape.length === 3 ? Cs.slice(t * n * m, (t + 1) * n * m) : shared;
        const ref = sinkhornRef(as.slice(t * n, (t + 1) * n), bs.slice(t * m, (t + 1) * m), Ct, reg);
        assertClose(plan.subarray(t * n * m, (t + 1) * n * m), ref.plan, { rtol: 2e-3, atol: 1e-6 }, `batched plan ${t} (C ${Cshape})`);
      }
    }
  });

  test('ot.sinkhorn: epsScaling reaches a small-reg plan; emd is its reg -> 0 limit', async () => {
    const r = rng(703);
    const n = 6, m = 6;
    const a = hist(r, n), b = hist(r, m), C = costs(r, n, m);
    const exact = await eg.ot.emd(T(eg, a, [n]), T(eg, b, [m]), T(eg, C, [n, m]));
    assert(exact.converged, 'emd converged');
    const ep = await exact.plan.data();
    const [rows, cols] = marginals(ep, n, m);
    assertClose(rows, a, { rtol: 1e-5, atol: 1e-7 }, 'emd rows');
    assertClose(cols, b, { rtol: 1e-5, atol: 1e-7 }, 'emd cols');
    let prev = Infinity;
    for (const reg of [0.1, 0.03, 0.01]) {
      const s = await eg.ot.sinkhorn(T(eg, a, [n]), T(eg, b, [m]), T(eg, C, [n, m]), { reg, tol: 1e-5, maxIter: 5000, epsScaling: 4 });
      const gap = s.cost - exact.cost;
      // every feasible plan costs at least the optimum; the entropic one approaches it as reg -> 0
      assert(gap > -1e-5, `sinkhorn reg ${reg} cost ${s.cost} below the exact optimum ${exact.cost}`);
      assert(gap < prev + 1e-6, `gap does not shrink with reg: ${gap} after ${prev}`);
      prev = gap;
    }
    assert(prev < 0.02, `reg 0.01 gap ${prev} too large`);
  });

  test('ot.emd: equals brute-force assignment on uniform 5x5 problems', async () => {
    const r = rng(704);
    const n = 5, u = Array(n).fill(1 / n);
    const C = costs(r, n, n);
    const perms = (k) => (k === 0 ? [[]] : perms(k - 1).flatMap((p) => Array.from({ length: k }, (_, i) => [...p.slice(0, i), k - 1, ...p.slice(i)])));
    let best = Infinity;
    for (const p of perms(n)) best = Math.min(best, p.reduce((s, j, i) => s + C[i * n + j], 0) / n);
    const out = await eg.ot.emd(T(eg, u, [n]), T(eg, u, [n]), T(eg, C, [n, n]));
    assertClose([out.cost], [best], { rtol: 1e-5, atol: 1e-7 }, 'emd assignment cost');
  });

  test('ot.sinkhornNewtonSparse: the float64 plan to 1e-9 in a few Newton steps', async () => {
    const r = rng(705);
    const n = gpu ? 12 : 30, m = gpu ? 10 : 24, reg = 0.05;
    const a = hist(r, n), b = hist(r, m);
    const C = Float64Array.from({ length: n * m }, (_, k) => (Math.floor(k / m) / n - (k % m) / m) ** 2 + 0.1 * r.uniform(0, 1));
    const ref = sinkhornRef(a, b, C, reg);
    const out = await eg.ot.sinkhornNewtonSparse(T(eg, a, [n]), T(eg, b, [m]), T(eg, C, [n, m]), { reg, tol: 1e-9, maxIter: 50 });
    assert(out.converged && out.error <= 1e-9, `SNS error ${out.error}, iterations ${out.iterations}`);
    assert(out.iterations <= 20 + 50, `iterations ${out.iterations}`);
    // float64 C in the reference vs float32 C here: compare at float32's resolution of C/reg
    assertClose(await out.plan.data(), ref.plan, { rtol: 1e-4, atol: 1e-8 }, 'SNS plan');
  });

  test('ot.sinkhornLoss: value and gradients (plan, f, g) against the float64 dual', async () => {
    const r = rng(706);
    const n = 6, m = 5, reg = 0.2;
    const a = hist(r, n), b = hist(r, m), C = costs(r, n, m);
    const ref = sinkhornRef(a, b, C, reg);
    const A = T(eg, a, [n]), Bt = T(eg, b, [m]), Ct = T(eg, C, [n, m]);
    const loss = (x, y, c) => eg.ot.sinkhornLoss(x, y, c, { reg, iterations: 300 });
    const v = loss(A, Bt, Ct);
    assertClose([(await v.data())[0]], [ref.value], { rtol: 1e-4, atol: 1e-6 }, 'entropic OT value');
    const [ga, gb, gC] = eg.grad(loss, { argnums: [0, 1, 2] })(A, Bt, Ct);
    assertClose(await gC.data(), ref.plan, { rtol: 2e-3, atol: 1e-6 }, 'dW/dC = plan');
    // f and g are defined up to f + c, g − c: compare along mass-preserving directions, and
    // check those against central differences of the float64 value
    const gah = await ga.data(), gbh = await gb.data();
    for (const [i, k] of [[0, 1], [2, 5], [4, 3]]) {
      const h = 1e-5;
      const ap = a.slice(), am = a.slice();
      ap[i] += h; ap[k] -= h; am[i] -= h; am[k] += h;
      const fd = (sinkhornRef(ap, b, C, reg).value - sinkhornRef(am, b, C, reg).value) / (2 * h);
      assertClose([gah[i] - gah[k]], [fd], { rtol: 2e-3, atol: 2e-5 }, `dW/da along e${i} − e${k}`);
      assertClose([gah[i] - gah[k]], [ref.f[i] - ref.f[k]], { rtol: 2e-3, atol: 2e-5 }, `f${i} − f${k}`);
    }
    assertClose([gbh[0] - gbh[4]], [ref.g[0] - ref.g[4]], { rtol: 2e-3, atol: 2e-5 }, 'g0 − g4');
    // dW/dC by central differences on one entry
    const h = 1e-4, Cp = C.slice(), Cm = C.slice();
    Cp[7] += h; Cm[7] -= h;
    const fdC = (sinkhornRef(a, b, Cp, reg).value - sinkhornRef(a, b, Cm, reg).value) / (2 * h);
    assertClose([(await gC.data())[7]], [fdC], { rtol: 2e-3, atol: 1e-6 }, 'dW/dC_7 by central differences');
  });

  test('ot, graph, completion, bcd: no tensors left behind but the results', async () => {
    const a = eg.tensor([0.2, 0.3, 0.5]), b = eg.tensor([0.5, 0.5]), C = eg.tensor([[0, 1], [1, 0], [0.5, 0.5]]);
    const base = eg.memory().tensors;
    const calls = {
      'sinkhorn log': async () => { const r = await eg.ot.sinkhorn(a, b, C, { reg: 0.1, maxIter: 30 }); eg.dispose([r.plan, r.f, r.g]); },
      'sinkhorn standard + epsScaling': async () => { const r = await eg.ot.sinkhorn(a, b, C, { reg: 0.1, method: 'standard', epsScaling: 3, maxIter: 30 }); eg.dispose([r.plan, r.f, r.g]); },
      sinkhornNewtonSparse: async () => { const r = await eg.ot.sinkhornNewtonSparse(a, b, C, { reg: 0.1 }); eg.dispose([r.plan, r.f, r.g]); },
      emd: async () => { const r = await eg.ot.emd(a, b, C); r.plan.dispose(); },
      'grad sinkhornLoss': async () => { eg.grad((c) => eg.ot.sinkhornLoss(a, b, c, { reg: 0.1, iterations: 20 }))(C).dispose(); },
      fastRP: async () => { eg.graph.fastRP(eg.graph.sbm([10, 10], 0.5, 0.1), { dim: 4, weights: [1, 2] }).dispose(); },
      altMin: async () => { const r = await eg.completion.altMin({ rows: [0, 1], cols: [0, 1], values: [1, 2], shape: [2, 2] }, { rank: 1 }); eg.dispose([r.u, r.v]); },
      bcd: async () => { (await eg.optim.bcd({ kind: 'leastSquares', A: C, b: [1, 2, 3] })).x.dispose(); },
    };
    for (const [name, f] of Object.entries(calls)) {
      await f();
      assert(eg.memory().tensors === base, `${name} left ${eg.memory().tensors - base} tensors alive`);
    }
  });

  test('ot: bad input is a named error; non-convergence is reported', async () => {
    const a = eg.tensor([0.5, 0.5]), C = eg.tensor([[0, 1], [1, 0]]);
    await expectThrows(() => eg.ot.sinkhorn(a, eg.tensor([0.5, 0.6]), C, { reg: 0.1 }), /ot\.sinkhorn: .*same positive total mass/, 'mass mismatch');
    await expectThrows(() => eg.ot.sinkhorn(eg.tensor([1.5, -0.5]), a, C, { reg: 0.1 }), /ot\.sinkhorn: a\[1\] = -0\.5.*non-negative/, 'negative entry');
    await expectThrows(() => eg.ot.sinkhorn(a, a, eg.tensor([[0, NaN], [1, 0]]), { reg: 0.1 }), /ot\.sinkhorn: C .*NaN/, 'NaN in C');
    await expectThrows(() => eg.ot.sinkhorn(a, a, eg.tensor([[0, 1, 2], [1, 0, 2]]), { reg: 0.1 }), /ot\.sinkhorn: C must be 2 x 2/, 'shape mismatch');
    for (const reg of [0, -1, NaN]) await expectThrows(() => eg.ot.sinkhorn(a, a, C, { reg }), /ot\.sinkhorn: reg must be a positive/, `reg ${reg}`);
    await expectThrows(() => eg.ot.emd(a, eg.tensor([0.2, 0.2]), C), /ot\.emd: .*mass/, 'emd mass');
    await expectThrows(() => eg.ot.sinkhornNewtonSparse(a, a, C, { reg: -1 }), /ot\.sinkhornNewtonSparse: reg/, 'SNS reg');
    expectThrows(() => eg.ot.sinkhornLoss(a, a, eg.tensor([[1, 2, 3]]), { reg: 0.1 }), /ot\.sinkhornLoss: C must be/, 'loss shapes');
    const r = rng(707);
    const n = 8, hA = hist(r, n), Cc = costs(r, n, n);
    const out = await eg.ot.sinkhorn(T(eg, hA, [n]), T(eg, hA.slice().reverse(), [n]), T(eg, Cc, [n, n]), { reg: 0.01, maxIter: 7, tol: 1e-12 });
    assert(!out.converged && out.iterations === 7 && out.error > 1e-12 && Number.isFinite(out.error), `maxIter 7: converged ${out.converged}, iterations ${out.iterations}, error ${out.error}`);
    // the standard method underflows at a tiny reg: it stops with a warning and a finite iterate
    const std = await eg.ot.sinkhorn(T(eg, hA, [n]), T(eg, hA.slice().reverse(), [n]), T(eg, Cc.map((c) => 50 * c), [n, n]), { reg: 0.01, method: 'standard', maxIter: 50 });
    assert(!std.converged && typeof std.warning === 'string', `standard at tiny reg: converged ${std.converged}, warning ${std.warning}`);
  });
}
