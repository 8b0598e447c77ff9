// Dense linear algebra and ODE section of `npm run bench`: cholesky / eigh / svd of 256² and
// 512² on edgegrad's wasm and js backends beside ml-matrix (float64, plain JS), and an ODE
// solve of a 64-dimensional linear system beside odex (Hairer's GBS extrapolation code).
// One process; the edgegrad backends run one after the other (init() switches a global).
// Run alone: `node bench/linalg.mjs [--quick] [--out file.json]`, or from bench/run.mjs.
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const out = argv.includes('--out') ? argv[argv.indexOf('--out') + 1] : null;
const eg = await import(process.env.EG_BENCH_DIST ?? '../dist/edgegrad.node.js');
const { Matrix, CholeskyDecomposition, EigenvalueDecomposition, SingularValueDecomposition } = require('ml-matrix');
const odex = require('odex');

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const log = (s) => process.stdout.write(s + '\n');
/** Median ms of `runs` timed calls after one warm-up call; a run over `cap` ms stops the repetitions. */
function time(fn, runs, cap = 20000) {
  fn();
  const ts = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now(); fn(); ts.push(performance.now() - t0);
    if (ts[ts.length - 1] > cap) break;
  }
  return +median(ts).toFixed(1);
}

// fixed inputs (a seeded LCG), identical for every library
function randomMatrix(n, seed) {
  let s = seed >>> 0;
  return Float64Array.from({ length: n * n }, () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32 * 2 - 1; });
}
const sizes = quick ? [256] : [256, 512];
const problems = sizes.map((n) => {
  const b = randomMatrix(n, n);
  const B = new Matrix(Array.from({ length: n }, (_, i) => Array.from(b.subarray(i * n, i * n + n))));
  const S = B.mmul(B.transpose()).add(Matrix.eye(n).mul(n)); // SPD, well conditioned
  return { n, B, S, b32: Float32Array.from(b), s32: Float32Array.from(S.to1DArray()) };
});
const OPS = {
  cholesky: { ml: (p) => new CholeskyDecomposition(p.S), eg: (p, t) => eg.linalg.cholesky(t.s) },
  eigh: { ml: (p) => new EigenvalueDecomposition(p.S, { assumeSymmetric: true }), eg: (p, t) => eg.linalg.eigh(t.s) },
  svd: { ml: (p) => new SingularValueDecomposition(p.B), eg: (p, t) => eg.linalg.svd(t.b) },
};
const runsFor = (n) => (quick ? 2 : n >= 512 ? 3 : 5);

const results = { dense: [], ode: null };
for (const p of problems) for (const [op, f] of Object.entries(OPS)) results.dense.push({ op, n: p.n, ms: { 'ml-matrix': time(() => f.ml(p), runsFor(p.n)) } });
for (const backend of ['wasm', 'js']) {
  await eg.init({ backend });
  for (const p of problems) {
    const t = { s: eg.tensor(p.s32, [p.n, p.n]), b: eg.tensor(p.b32, [p.n, p.n]) };
    for (const [op, f] of Object.entries(OPS)) {
      const row = results.dense.find((r) => r.op === op && r.n === p.n);
      // the js backend's matmul is the float64 reference loop: one run at 512
      row.ms[`edgegrad-${backend}`] = time(() => eg.scope(() => { f.eg(p, t); }, () => []), backend === 'js' ? 1 : runsFor(p.n));
    }
  }
}

// ODE: y' = M·y, M = −I + 0.4·(K − Kᵀ)/√n + 0.1·(L + Lᵀ)/√n (decaying and rotating), y0 = 1, t in [0, 10]
await eg.init({ backend: 'wasm' });
const n = 64, k = randomMatrix(n, 7), l = randomMatrix(n, 11);
const M = Float64Array.from({ length: n * n }, (_, q) => {
  const i = Math.floor(q / n), j = q % n;
  return (i === j ? -1 : 0) + (0.4 * (k[q] - k[j * n + i]) + 0.1 * (l[q] + l[j * n + i])) / Math.sqrt(n);
});
const rtol = 1e-6, atol = 1e-9, T = 10;
const Mt = eg.tensor(Float32Array.from(M), [n, n]), y0 = eg.ones([n]);
let egStats = null, egY = null;
const egMs = await (async () => {
  const ts = [];
  for (let i = 0; i < (quick ? 2 : 4); i++) {
    const t0 = performance.now();
    const r = await eg.ode.solve((t, y, A) => eg.matmul(A, y), y0, [0, T], { params: Mt, rtol, atol });
    egY = await r.y[1].data();
    ts.push(performance.now() - t0);
    egStats = r.stats;
  }
  return +median(ts.slice(1)).toFixed(1);
})();
const solver = new odex.Solver(n);
solver.relativeTolerance = rtol; solver.absoluteTolerance = atol; solver.maxSteps = 100000;
const fOdex = (x, y) => { const d = new Array(n).fill(0); for (let i = 0; i < n; i++) { let s = 0; for (let j = 0; j < n; j++) s += M[i * n + j] * y[j]; d[i] = s; } return d; };
let odexRes = null;
const odexMs = time(() => { odexRes = solver.solve(fOdex, 0, new Array(n).fill(1), T); }, quick ? 2 : 4);
// a tight odex solution as the reference for both
const ref = new odex.Solver(n); ref.relativeTolerance = ref.absoluteTolerance = 1e-13; ref.maxSteps = 100000;
const yRef = ref.solve(fOdex, 0, new Array(n).fill(1), T).y;
const relErr = (y) => Math.max(...yRef.map((v, i) => Math.abs(y[i] - v))) / Math.max(...yRef.map(Math.abs));
results.ode = {
  problem: `y' = M y, n = ${n}, t in [0, ${T}], rtol ${rtol}, atol ${atol}`,
  edgegrad: { ms: egMs, method: 'dopri5 (wasm backend, float32)', ...egStats, relErr: +relErr(egY).toExponential(2) },
  odex: { ms: odexMs, method: 'GBS extrapolation (float64)', nfe: odexRes.nEval, accepted: odexRes.nAccept, rejected: odexRes.nReject, relErr: +relErr(odexRes.y).toExponential(2) },
};

log('  op        n    ml-matrix   edgegrad-wasm   edgegrad-js   wasm speed-up vs ml-matrix');
for (const r of results.dense) {
  r.speedupWasmVsMl = +(r.ms['ml-matrix'] / r.ms['edgegrad-wasm']).toFixed(2);
  log(`  ${r.op.padEnd(9)} ${String(r.n).padEnd(4)} ${String(r.ms['ml-matrix']).padStart(9)} ms ${String(r.ms['edgegrad-wasm']).padStart(11)} ms ${String(r.ms['edgegrad-js']).padStart(10)} ms   ${r.speedupWasmVsMl}x`);
}
const o = results.ode;
log(`  ODE ${o.problem}: edgegrad ${o.edgegrad.ms} ms (nfe ${o.edgegrad.nfe}, rel. error ${o.edgegrad.relErr}), odex ${o.odex.ms} ms (nfe ${o.odex.nfe}, rel. error ${o.odex.relErr}); ratio ${(o.odex.ms / o.edgegrad.ms).toFixed(2)}x`);
results.goal = 'dense factorizations >= 5x ml-matrix at 512 (edgegrad-wasm, median ms)';
if (out) writeFileSync(out, JSON.stringify(results, null, 1));
