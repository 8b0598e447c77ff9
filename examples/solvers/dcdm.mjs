// Deep Conjugate Direction Method: a small network trained with edgegrad to propose search
// directions for 2-D Poisson problems (loss ‖b − A q (qᵀb)/(qᵀAq)‖² with q = f(b), as in the
// paper), then eg.linalg.dcdm against CG and Jacobi-PCG: iterations to rtol 1e-6.
// node examples/solvers/dcdm.mjs   (about a minute on the wasm backend)
import * as eg from '../../dist/edgegrad.node.js';

await eg.init({ backend: 'wasm' });
const g = 16, n = g * g;
// variable coefficients make the diagonal non-constant, so Jacobi and a learned map both matter
const coef = (x, y) => 1 + 0.9 * Math.sin(x * 0.4) * Math.cos(y * 0.3);
const rows = [], cols = [], vals = [];
for (let y = 0; y < g; y++) for (let x = 0; x < g; x++) {
  const i = y * g + x, c = coef(x, y);
  let diag = 0;
  for (const [dx, dy] of [[1, 0], [-1, 0], [0, 1], [0, -1]]) {
    const xx = x + dx, yy = y + dy, w = (c + coef(Math.max(0, Math.min(g - 1, xx)), Math.max(0, Math.min(g - 1, yy)))) / 2;
    diag += w;
    if (xx >= 0 && xx < g && yy >= 0 && yy < g) { rows.push(i); cols.push(yy * g + xx); vals.push(-w); }
  }
  rows.push(i); cols.push(i); vals.push(diag);
}
const A = eg.sparse.fromCOO(rows, cols, vals, [n, n]);
// The direction model: q = D^-½ (I + LᵀL) D^-½ r with D = diag(A): Jacobi scaling around a
// two-layer linear network with tied weights (L is [64, n]). The map is symmetric positive
// definite by construction, which keeps the A-orthogonalised directions conjugate-gradient-like
// (DCDM with keep = 2 converges); the network learns where to put 64 directions of extra weight.
const params = { L: eg.random.normal(eg.random.key(3), [64, n], { std: 0.01 }) };
const dInvSqrt = eg.sqrt(eg.linalg.precond.jacobi(A)(eg.ones([n]))).reshape([n, 1]);
const apply = (p, R) => { // R [n, k]
  const S = eg.mul(R, dInvSqrt);
  return eg.mul(eg.add(S, eg.matmul(p.L, eg.matmul(p.L, S), { transposeA: true })), dInvSqrt);
};
const model = (p) => (r) => apply(p, r.reshape([n, 1])).reshape([n]);
const opt = eg.optim.adam(params, { lr: 3e-3 });
// training right-hand sides: columns mixing smooth fields (low modes dominate) and white noise,
// unit norm, 16 per step
const batch = (key) => {
  const [k1, k2] = eg.random.split(key);
  let s = eg.random.normal(k1, [n, 16]);
  for (let i = 0; i < 4; i++) s = eg.add(s, eg.mul(A.matmul(s), -0.1));
  const B = eg.add(eg.div(s, eg.sqrt(eg.sum(eg.square(s), 0, true))), eg.mul(eg.random.normal(k2, [n, 16]), 0.3 / Math.sqrt(n)));
  return eg.div(B, eg.sqrt(eg.sum(eg.square(B), 0, true)));
};
const t0 = performance.now();
const steps = 1500;
for (let step = 0; step < steps; step++) {
  const B = batch(eg.random.key(1000 + step));
  const [loss, grads] = eg.valueAndGrad((p) => {
    const Q = apply(p, B);                                            // one direction per column
    const AQ = A.matmul(Q);
    const alpha = eg.div(eg.sum(eg.mul(Q, B), 0, true), eg.sum(eg.mul(Q, AQ), 0, true));
    return eg.mean(eg.sum(eg.square(eg.sub(B, eg.mul(AQ, alpha))), 0));
  })(params);
  if (step % 300 === 0) console.log(`train step ${step}: loss ${(await loss.item()).toFixed(4)}`);
  opt.step(grads);
  eg.dispose([loss, grads, B]);
}
const smooth = (key) => eg.reshape(eg.slice(batch(key), [0, 0], [n, 1]), [n]);
console.log(`trained in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const f = model(params);
for (let t = 0; t < 3; t++) {
  const b = smooth(eg.random.key(5000 + t));
  const dc = await eg.linalg.dcdm(A, b, { model: f, rtol: 1e-6, maxIter: 2000 });
  const cg = await eg.linalg.cg(A, b, { rtol: 1e-6 });
  const pcg = await eg.linalg.cg(A, b, { rtol: 1e-6, M: eg.linalg.precond.jacobi(A) });
  const trueRes = await eg.sqrt(eg.sum(eg.square(eg.sub(b, A.matmul(dc.x))))).item();
  console.log(`problem ${t}: iterations to 1e-6 — DCDM ${dc.iterations}${dc.converged ? '' : ' (not converged)'} (‖b − Ax‖/‖b‖ = ${trueRes.toExponential(1)}), CG ${cg.iterations}, Jacobi-PCG ${pcg.iterations}`);
}
