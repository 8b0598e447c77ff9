// A small neural ODE fitted to a 2-D spiral (the torchdiffeq demo's dynamics, y' = (y³)·A),
// trained twice with Adam: plain, and with the error-estimate regulariser of "Opening the
// Blackbox" (λ·Σ E·h added to the loss). Reports the fit and the function evaluations (NFE)
// a solve of the trained model takes — the regulariser buys cheaper solves for a little fit.
//
//   node examples/ode/spiral.mjs [--iters 80] [--lambda 0.05] [--backend wasm]
import * as eg from '../../dist/edgegrad.node.js';

const arg = (k, d) => { const i = process.argv.indexOf(`--${k}`); return i > 0 ? process.argv[i + 1] : d; };
const iters = Number(arg('iters', 80)), lambda = Number(arg('lambda', 0.05));
await eg.init({ backend: arg('backend', 'wasm') });

// ground truth: y' = (y³)·A from y0 = [2, 0], observed at 16 times in [0, 4]
const A = eg.tensor([[-0.1, 2.0], [-2.0, -0.1]]);
const y0 = eg.tensor([2, 0]);
const times = Array.from({ length: 16 }, (_, i) => (i + 1) * 0.25);
const truth = await eg.ode.solve((t, y) => eg.matmul(eg.pow(y, 3), A), y0, [0, 4], { saveAt: times, rtol: 1e-8, atol: 1e-10 });
const target = eg.stack(truth.y);

// the model: y' = tanh(y³·W1 + b1)·W2 + b2, 2 → 24 → 2
const model = (t, y, p) => eg.add(eg.matmul(eg.tanh(eg.add(eg.matmul(eg.pow(y, 3), p.W1), p.b1)), p.W2), p.b2);
function initParams(seed) {
  const k = eg.random.split(eg.random.key(seed), 2);
  return { W1: eg.mul(eg.random.normal(k[0], [2, 24]), 0.3), b1: eg.zeros([24]), W2: eg.mul(eg.random.normal(k[1], [24, 2]), 0.3), b2: eg.zeros([2]) };
}

async function train(reg) {
  const p = initParams(3);
  const opt = eg.optim.adam(p, { lr: 0.02 });
  const t0 = performance.now();
  let fit = NaN, nfe = 0;
  for (let it = 0; it < iters; it++) {
    const [value, grads] = await eg.valueAndGrad(async (q) => {
      const r = await eg.ode.solve(model, y0, [0, 4], { params: q, saveAt: times, rtol: 1e-5, atol: 1e-7, regularize: reg ? 'errorEstimate' : null, maxSteps: 2000 });
      const mse = eg.mean(eg.square(eg.sub(eg.stack(r.y), target)));
      fit = await mse.item();
      nfe += r.stats.nfe;
      return reg ? eg.add(mse, eg.mul(r.regularization, lambda)) : mse;
    })(p);
    opt.step(grads);
    value.dispose();
    eg.dispose(grads);
    if ((it + 1) % 20 === 0) console.log(`  ${reg ? 'regularised' : 'plain      '} iter ${String(it + 1).padStart(3)}  mse ${fit.toExponential(3)}`);
  }
  // NFE of one solve of the trained model at the training tolerance
  const check = await eg.ode.solve(model, y0, [0, 4], { params: p, saveAt: times, rtol: 1e-5, atol: 1e-7 });
  const mse = await eg.mean(eg.square(eg.sub(eg.stack(check.y), target))).item();
  return { mse, nfe: check.stats.nfe, trainNfePerIter: Math.round(nfe / iters), seconds: (performance.now() - t0) / 1000 };
}

console.log(`neural ODE on a spiral: ${iters} Adam iterations, λ = ${lambda} (backend ${eg.backend()})`);
const plain = await train(false);
const reg = await train(true);
console.log('\n  model         final mse    NFE of a solve   mean NFE per training solve   seconds');
for (const [name, r] of [['plain', plain], ['regularised', reg]])
  console.log(`  ${name.padEnd(12)}  ${r.mse.toExponential(3)}    ${String(r.nfe).padStart(8)}         ${String(r.trainNfePerIter).padStart(10)}                  ${r.seconds.toFixed(1)}`);
console.log(`\n  NFE ratio regularised / plain: ${(reg.nfe / plain.nfe).toFixed(2)}`);
