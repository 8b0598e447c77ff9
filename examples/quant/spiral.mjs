// What the quantization examples share: the training example's spiral task (5 classes) and its
// training loop (mini-batch Adam on cross-entropy, batches from a seeded shuffle).
import * as eg from '../../dist/edgegrad.node.js';
import { spiral, prepare, prng } from '../train/data.mjs';

export const EPOCHS = 12, BATCH = 64;

/** init() on `--backend NAME` (default wasm) and the train/test split. */
export async function setup() {
  const backend = process.argv.includes('--backend') ? process.argv[process.argv.indexOf('--backend') + 1] : 'wasm';
  await eg.init({ backend });
  return { backend, data: prepare(spiral({ classes: 5, perClass: 400, noise: 0.2, seed: 7 }), { every: 5, shuffleSeed: 11 }) };
}

/** Trains `params` in place: Adam on crossEntropy(net.apply(weights(params))); `weights` puts
 *  the parameters through a quantizer (QuEST) for the forward pass, or leaves them as they are. */
export function fit(net, params, data, { weights = (p) => p, lr = 1e-2 } = {}) {
  const vg = eg.valueAndGrad((p, xb, yb) => eg.nn.crossEntropy(net.apply(weights(p), xb), yb));
  const opt = eg.optim.adam(params, { lr });
  const X = eg.tensor(data.train.x, [data.train.n, data.features]), Y = eg.tensor(data.train.y);
  const r = prng(1), n = data.train.n;
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) { const j = Math.floor(r.next() * (i + 1)); [order[i], order[j]] = [order[j], order[i]]; }
    for (let s = 0; s < n; s += BATCH) eg.scope(() => { const idx = order.slice(s, s + BATCH); opt.step(vg(params, eg.gather(X, idx, 0), eg.gather(Y, idx, 0))[1]); });
  }
  eg.dispose([X, Y]);
}
