// Ridge regression's λ tuned by gradient descent on a validation loss, the gradient of the
// solution w*(λ) coming from the implicit function theorem (eg.implicit.customRoot).
// node examples/solvers/ridge.mjs
import * as eg from '../../dist/edgegrad.node.js';

await eg.init({ backend: 'wasm' });
const [n, d] = [60, 12];
const k = eg.random.split(eg.random.key(7), 4);
const wTrue = eg.random.normal(k[0], [d]);
const X = eg.random.normal(k[1], [n, d]), Xv = eg.random.normal(k[2], [n, d]);
const noise = (key) => eg.mul(eg.random.normal(key, [n]), 1.5);
const y = eg.add(eg.matmul(X, wTrue), noise(k[3])), yv = eg.add(eg.matmul(Xv, wTrue), noise(eg.random.key(99)));

// optimality condition of min ‖Xw − y‖² + λ‖w‖² (up to a factor 2)
const F = (w, logLam) => eg.add(eg.matmul(X, eg.sub(eg.matmul(X, w), y), { transposeA: true }), eg.mul(eg.exp(logLam), w));
const solver = (logLam) => eg.linalg.solve
  ? eg.linalg.solve(eg.add(eg.matmul(X, X, { transposeA: true }), eg.mul(eg.eye(d), eg.exp(logLam))), eg.matmul(X, y, { transposeA: true }))
  : (() => { let w = eg.zeros([d]); for (let i = 0; i < 400; i++) w = eg.sub(w, eg.mul(F(w, logLam), 0.004)); return w; })();
const ridge = eg.implicit.customRoot(F, solver);
const valLoss = (logLam) => eg.mean(eg.square(eg.sub(eg.matmul(Xv, ridge(logLam)), yv)));

let logLam = eg.tensor(Math.log(50));
for (let step = 0; step <= 40; step++) {
  const [v, g] = eg.valueAndGrad(valLoss)(logLam);
  if (step % 10 === 0) console.log(`step ${step}: λ = ${Math.exp(await logLam.item()).toFixed(3)}, validation MSE ${(await v.item()).toFixed(4)}`);
  logLam = eg.sub(logLam, eg.mul(g, 2));
}
