// One training run: an MLP classifier, one optimizer, one backend. Parameters live in a
// plain array of { W, b } objects that eg.valueAndGrad differentiates and eg.optim updates
// in place; every step runs inside eg.scope-like management so memory stays flat.
import { prng } from './data.mjs';

/**
 * @returns {{ loss: number, trainAcc: number, testAcc: number, wallMs: number, steps: number, epochs: object[] }}
 */
export async function trainOne(eg, data, { optimizer, options, hidden, activation, batch, epochs, seed = 0, log = () => {}, atEnd }) {
  const key = eg.random.key(seed);
  const net = eg.nn.mlp([data.features, ...hidden, data.classes], { key, activation });
  const params = net.init();
  const X = eg.tensor(data.train.x, [data.train.n, data.features]), Y = eg.tensor(data.train.y);
  const Xt = eg.tensor(data.test.x, [data.test.n, data.features]), Yt = eg.tensor(data.test.y);
  const lossOf = (p, xb, yb) => eg.nn.crossEntropy(net.apply(p, xb), yb);
  const vg = eg.valueAndGrad(lossOf);
  const opt = eg.optim[optimizer](params, options);
  const r = prng(seed + 1);
  const n = data.train.n;
  const history = [];
  let steps = 0;
  const t0 = performance.now();
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const te = performance.now();
    // a fresh shuffle per epoch; the last short batch is kept
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) { const j = Math.floor(r.next() * (i + 1)); [order[i], order[j]] = [order[j], order[i]]; }
    let lossSum = eg.zeros([]);
    let batches = 0;
    for (let s = 0; s < n; s += batch) {
      const idx = order.slice(s, s + batch);
      const xb = eg.gather(X, idx, 0), yb = eg.gather(Y, idx, 0);
      const [loss, grads] = vg(params, xb, yb);
      if (optimizer === 'sophiaH') opt.step(grads, { lossFn: (p) => lossOf(p, xb, yb) });
      else opt.step(grads, optimizer === 'sophiaG' ? { batchSize: idx.length } : undefined);
      // SophiaG: the Gauss-Newton-Bartlett estimate on this batch whenever h is due
      if (optimizer === 'sophiaG' && opt.hessianDue) {
        const h = eg.hessian.gnb((p) => net.apply(p, xb), params, { key: eg.random.foldIn(key, steps) });
        opt.updateHessian(h);
        eg.dispose(h);
      }
      const next = eg.add(lossSum, loss);
      eg.dispose([lossSum, loss, grads, xb, yb]);
      lossSum = next;
      batches++;
      steps++;
    }
    const meanLoss = (await lossSum.item()) / batches;
    lossSum.dispose();
    const accT = eg.scope(() => eg.nn.accuracy(net.apply(params, Xt), Yt));
    const testAcc = await accT.item();
    accT.dispose();
    const ms = performance.now() - te;
    const row = { epoch, loss: meanLoss, testAcc, stepsPerSec: (batches / ms) * 1000 };
    history.push(row);
    log(row);
  }
  const wallMs = performance.now() - t0;
  const finals = eg.scope(() => [lossOf(params, X, Y), eg.nn.accuracy(net.apply(params, X), Y), eg.nn.accuracy(net.apply(params, Xt), Yt)]);
  const [loss, trainAcc, testAcc] = await Promise.all(finals.map((t) => t.item()));
  // a look at the trained model before it is freed (run.mjs: the Hessian's spectrum)
  const extra = atEnd ? await atEnd(params, (p) => lossOf(p, X, Y)) : undefined;
  eg.dispose([finals, params, X, Y, Xt, Yt]);
  opt.dispose?.();
  return { loss, trainAcc, testAcc, wallMs, steps, epochs: history, extra };
}
