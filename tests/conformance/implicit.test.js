// eg.implicit: gradients through a solver from the implicit function theorem, against the
// ridge-regression closed form and central differences of float64 fixed points.
import { rng, randn, assertClose } from './_util.js';
import { solve64 } from './solvers.test.js';

export default function (test, { eg, backend }) {
  test('customRoot: d(validation loss)/dλ of ridge regression matches the closed form (dense, cg, gmres solves)', async () => {
    const r = rng(501);
    const [m, d] = [20, 5];
    const X = randn(r, [m, d]), y = randn(r, [m]), Xv = randn(r, [m, d]), yv = randn(r, [m]);
    const lam0 = 0.7;
    // float64: w = (XᵀX + λI)⁻¹Xᵀy; dw/dλ = −(XᵀX + λI)⁻¹ w; L = ‖Xv w − yv‖²
    const G = new Float64Array(d * d), Xty = new Array(d).fill(0);
    for (let i = 0; i < d; i++) { for (let j = 0; j < d; j++) for (let k = 0; k < m; k++) G[i * d + j] += X[k * d + i] * X[k * d + j]; for (let k = 0; k < m; k++) Xty[i] += X[k * d + i] * y[k]; G[i * d + i] += lam0; }
    const w = solve64(G, Xty, d), dw = solve64(G, w, d).map((v) => -v);
    let dL = 0;
    for (let k = 0; k < m; k++) { let pred = 0, dp = 0; for (let j = 0; j < d; j++) { pred += Xv[k * d + j] * w[j]; dp += Xv[k * d + j] * dw[j]; } dL += 2 * (pred - yv[k]) * dp; }
    const tX = eg.tensor(X, [m, d]), ty = eg.tensor(y), tXv = eg.tensor(Xv, [m, d]), tyv = eg.tensor(yv);
    const F = (wt, lam) => eg.add(eg.matmul(tX, eg.sub(eg.matmul(tX, wt), ty), { transposeA: true }), eg.mul(lam, wt));
    // any solver: plain gradient descent would do; a fixed number of CG steps on the normal equations
    const solver = (lam) => {
      const A = (v) => eg.add(eg.matmul(tX, eg.matmul(tX, v), { transposeA: true }), eg.mul(lam, v));
      const b = eg.matmul(tX, ty, { transposeA: true });
      let x = eg.zeros([d]), res = b, p = b, rr = eg.sum(eg.square(res));
      for (let i = 0; i < 3 * d; i++) {
        const q = A(p), alpha = eg.div(rr, eg.maximum(eg.sum(eg.mul(p, q)), 1e-30));
        x = eg.add(x, eg.mul(alpha, p)); res = eg.sub(res, eg.mul(alpha, q));
        const rr2 = eg.sum(eg.square(res)); p = eg.add(res, eg.mul(eg.div(rr2, eg.maximum(rr, 1e-30)), p)); rr = rr2;
      }
      return x;
    };
    for (const solve of ['dense', 'cg', 'gmres']) {
      const ridge = eg.implicit.customRoot(F, solver, { solve });
      const loss = (lam) => eg.sum(eg.square(eg.sub(eg.matmul(tXv, ridge(lam)), tyv)));
      const [val, g] = eg.valueAndGrad(loss)(eg.tensor(lam0));
      assertClose([await g.item()], [dL], { rtol: 2e-3, atol: 1e-4 }, `dL/dλ (${solve})`);
      let L = 0;
      for (let k = 0; k < m; k++) { let pred = 0; for (let j = 0; j < d; j++) pred += Xv[k * d + j] * w[j]; L += (pred - yv[k]) ** 2; }
      assertClose([await val.item()], [L], { rtol: 1e-3, atol: 1e-4 }, `loss (${solve})`);
    }
  });

  test('customFixedPoint: x = γ·A·x + b, gradients w.r.t. b and γ against central differences', async () => {
    const r = rng(502);
    const n = 8;
    const A = randn(r, [n, n], 1 / Math.sqrt(n)), b0 = randn(r, [n]), c = randn(r, [n]);
    // ρ(A) ≲ 2 for this scaling: γ = 0.3 keeps the iteration contractive
    const gamma0 = 0.3;
    const fixed64 = (gm, bb) => {
      const M = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) M[i * n + j] = (i === j ? 1 : 0) - gm * A[i * n + j];
      return solve64(M, Array.from(bb), n);
    };
    const L64 = (gm, bb) => fixed64(gm, bb).reduce((s, v, i) => s + c[i] * Math.tanh(v), 0);
    const h = 1e-6;
    const wantB = Array.from(b0, (_, i) => { const up = Float64Array.from(b0), dn = Float64Array.from(b0); up[i] += h; dn[i] -= h; return (L64(gamma0, up) - L64(gamma0, dn)) / (2 * h); });
    const wantG = (L64(gamma0 + h, b0) - L64(gamma0 - h, b0)) / (2 * h);
    const tA = eg.tensor(A, [n, n]), tc = eg.tensor(c);
    const T = (x, th) => eg.add(eg.mul(th.gamma, eg.matmul(tA, x)), th.b);
    const iterate = (th) => { let x = eg.zeros([n]); for (let i = 0; i < 60; i++) x = T(x, th); return x; };
    const layer = eg.implicit.customFixedPoint(T, iterate);
    const g = eg.grad((th) => eg.sum(eg.mul(tc, eg.tanh(layer(th)))))({ b: eg.tensor(b0), gamma: eg.tensor(gamma0) });
    assertClose(await g.b.data(), wantB, { rtol: 2e-3, atol: 1e-4 }, 'd/db');
    assertClose([await g.gamma.item()], [wantG], { rtol: 2e-3, atol: 1e-4 }, 'd/dγ');
  });
}
