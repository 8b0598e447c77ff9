// A Convergent-Graph-Solver style layer: node states x = γ·Â·x + b(θ) at the fixed point
// (γ < 1/ρ(Â) makes the map contractive), trained end to end through the implicit function
// theorem (eg.implicit.customFixedPoint) to regress a target signal on a ring-with-chords graph.
// node examples/solvers/graph-solver.mjs
import * as eg from '../../dist/edgegrad.node.js';

await eg.init({ backend: 'wasm' });
const n = 40, rows = [], cols = [];
for (let i = 0; i < n; i++) for (const j of [(i + 1) % n, (i + n - 1) % n, (i * 7 + 3) % n]) if (j !== i) { rows.push(i); cols.push(j); }
const deg = new Array(n).fill(0); rows.forEach((r) => deg[r]++);
const Ahat = eg.sparse.fromCOO(rows, cols, rows.map((r) => 1 / deg[r]), [n, n]); // row-normalised: ρ = 1
const gamma = 0.8;
const features = eg.random.normal(eg.random.key(1), [n, 3]);
const target = eg.tanh(eg.matmul(features, eg.tensor([1, -2, 0.5])));

const T = (x, p) => eg.add(eg.mul(Ahat.matmul(x), gamma), eg.matmul(features, p.W));
const forward = (p) => { let x = eg.zeros([n]); for (let i = 0; i < 60; i++) x = T(x, p); return x; };
const layer = eg.implicit.customFixedPoint(T, forward);
const params = { W: eg.zeros([3]) };
const opt = eg.optim.adam(params, { lr: 0.05 });
for (let step = 0; step <= 150; step++) {
  const [loss, grads] = eg.valueAndGrad((p) => eg.mean(eg.square(eg.sub(layer(p), target))))(params);
  if (step % 30 === 0) console.log(`step ${step}: loss ${(await loss.item()).toFixed(5)}`);
  opt.step(grads);
  eg.dispose([loss, grads]);
}
