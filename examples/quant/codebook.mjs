// node examples/quant/codebook.mjs [--backend wasm]: post-training quantization of the spiral MLP
// ([2, 64, 64, 5], relu, trained in float as in quest.mjs) with JLCM-style shared codebooks
// (eg.quant.codebook) against uniform per-row grids (eg.quant.quantize, the error-searched 'mse'
// clip and QuEST's 'gaussianMse' clip) at equal bits per code. Every layer [out, in] is
// quantized and served by eg.quant.linear (the lut kernel). Prints the relative reconstruction
// error Σ(Ŵ − W)² / ΣW² over the three layers and the test accuracy per method and bit width.
import * as eg from '../../dist/edgegrad.node.js';
import { setup, fit, EPOCHS } from './spiral.mjs';

const { backend, data } = await setup();

const net = eg.nn.mlp([data.features, 64, 64, data.classes], { key: eg.random.key(0), activation: 'relu' });
const params = net.init();
fit(net, params, data);
const Xt = eg.tensor(data.test.x, [data.test.n, data.features]), Yt = eg.tensor(data.test.y);
// layers as [out, in], the layout quant.linear and GGUF use
const layers = [];
for (const { W, b } of params) { const Wt = eg.transpose(W); layers.push({ W: Wt, data: await Wt.data(), b }); }
const floatAcc = await eg.scope(() => eg.nn.accuracy(net.apply(params, Xt), Yt)).item();

async function evaluate(quantizeLayer) {
  const qs = layers.map((l, i) => quantizeLayer(l, i));
  let err = 0, ref = 0;
  for (let i = 0; i < qs.length; i++) {
    const d = await qs[i].dequantize().data(), w = layers[i].data;
    for (let j = 0; j < w.length; j++) { err += (d[j] - w[j]) ** 2; ref += w[j] ** 2; }
  }
  const acc = await eg.scope(() => {
    let h = Xt;
    qs.forEach((q, i) => { const z = eg.quant.linear(h, q, layers[i].b); h = i < qs.length - 1 ? eg.relu(z) : z; });
    return eg.nn.accuracy(h, Yt);
  }).item();
  const bytes = qs.reduce((a, q) => a + q.byteLength, 0);
  qs.forEach((q) => q.dispose());
  return { rel: err / ref, acc, bytes };
}

const methods = [
  ['codebook', (bits) => (l, i) => eg.quant.codebook(l.data, { shape: l.W.shape, bits, groups: Math.min(8, l.W.shape[0]), codebooks: Math.min(4, l.W.shape[0]), iterations: 12, key: eg.random.key(10 + i) })],
  ['uniform mse', (bits) => (l) => eg.quant.quantize(l.W, { bits, grid: 'mse', granularity: 'row' })],
  ['uniform gaussianMse', (bits) => (l) => eg.quant.quantize(l.W, { bits, grid: 'gaussianMse', granularity: 'row' })],
];
console.log(`spiral MLP [2, 64, 64, 5] trained in float (${EPOCHS} epochs, ${backend}): test accuracy ${(100 * floatAcc).toFixed(1)}%; chance 20%`);
console.log('post-training, every layer [out, in]; error = Σ(Ŵ − W)² / ΣW²; bytes = codes + tables + scales of the three layers');
console.log('bits  method               error     accuracy  bytes');
for (const bits of [4, 3, 2, 1]) {
  for (const [name, make] of methods) {
    const r = await evaluate(make(bits));
    console.log(`${String(bits).padEnd(5)} ${name.padEnd(20)} ${r.rel.toExponential(2).padEnd(9)} ${(100 * r.acc).toFixed(1).padStart(6)}%   ${r.bytes}`);
  }
}
