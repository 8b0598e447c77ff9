// node examples/quant/quest.mjs [--backend wasm]: the training example's spiral MLP
// ([2, 64, 64, 5], relu, Adam) trained in float, with QuEST weights at 8, 4, 2 and 1 bits
// (Hadamard domain, Gaussian-MSE grid, trust-mask gradient), and with plain STE at 1 and 2
// bits (QuEST's grid, the gradient passed everywhere). Prints the test accuracy per run; the
// accuracy is that of the quantized model (weights on the grid at evaluation too).
import * as eg from '../../dist/edgegrad.node.js';
import { setup, fit, EPOCHS } from './spiral.mjs';

const { backend, data } = await setup();

async function run(quant) {
  const net = eg.nn.mlp([data.features, 64, 64, data.classes], { key: eg.random.key(0), activation: 'relu' });
  const params = net.init();
  const weights = (p) => (quant ? p.map(({ W, b }) => ({ W: eg.quant.quest(W, quant), b })) : p);
  fit(net, params, data, { weights });
  const Xt = eg.tensor(data.test.x, [data.test.n, data.features]), Yt = eg.tensor(data.test.y);
  const acc = await eg.scope(() => eg.nn.accuracy(net.apply(weights(params), Xt), Yt)).item();
  eg.dispose([params, Xt, Yt]);
  return acc;
}

const runs = [
  ['float', null],
  ['QuEST 8-bit', { bits: 8 }], ['QuEST 4-bit', { bits: 4 }], ['QuEST 2-bit', { bits: 2 }], ['QuEST 1-bit', { bits: 1 }],
  ['STE 2-bit', { bits: 2, trust: Infinity }], ['STE 1-bit', { bits: 1, trust: Infinity }],
];
console.log(`spiral MLP [2, 64, 64, 5], ${EPOCHS} epochs, ${backend}; chance 20%`);
console.log('run            test accuracy');
const t0 = performance.now();
for (const [name, q] of runs) console.log(`${name.padEnd(14)} ${(100 * (await run(q))).toFixed(1)}%`);
console.log(`(${((performance.now() - t0) / 1000).toFixed(0)} s)`);
