// node examples/quant/export.mjs [--backend wasm]: a 4-bit QuEST model exported to GGUF and served
// from the file. The spiral MLP [2, 256, 256, 5] is trained with QuEST 4-bit weights in the
// layout inference uses (each layer [out, in], grid and Hadamard rotation along `in`); the
// in-memory quantized model is eg.quant.quantize(W, { bits: 4, rotate: 'hadamard' }) per layer
// (exactly QuEST's forward pass), served by eg.quant.linear (lut kernel). eg.quant.toGGML turns
// each 256-wide layer into Q4_K blocks holding the same grid (fp16 block scales: each weight
// within 0.011 of a grid step); the first layer (in = 2, no 256-block fits) is stored as F32
// values of its grid. The file is read back with eg.io.gguf.read and served by eg.quant.linear
// (qmatmul kernel) after the Hadamard rotation of the activations named in its metadata.
import * as eg from '../../dist/edgegrad.node.js';
import { spiral, prepare, prng } from '../train/data.mjs';

const backend = process.argv.includes('--backend') ? process.argv[process.argv.indexOf('--backend') + 1] : 'wasm';
await eg.init({ backend });
const data = prepare(spiral({ classes: 5, perClass: 400, noise: 0.2, seed: 7 }), { every: 5, shuffleSeed: 11 });
const EPOCHS = 12, BATCH = 64, Q = { bits: 4 };

const net = eg.nn.mlp([data.features, 256, 256, data.classes], { key: eg.random.key(0), activation: 'relu' });
const params = net.init();
// W is [in, out] in nn.mlp: QuEST quantizes Wᵀ, so groups and rotation run along `in`
const questWeights = (p) => p.map(({ W, b }) => ({ W: eg.transpose(eg.quant.quest(eg.transpose(W), Q)), b }));
{
  const vg = eg.valueAndGrad((p, xb, yb) => eg.nn.crossEntropy(net.apply(questWeights(p), xb), yb));
  const opt = eg.optim.adam(params, { lr: 5e-3 });
  const X = eg.tensor(data.train.x, [data.train.n, data.features]), Y = eg.tensor(data.train.y);
  const r = prng(1), n = data.train.n;
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) { const j = Math.floor(r.next() * (i + 1)); [order[i], order[j]] = [order[j], order[i]]; }
    for (let s = 0; s < n; s += BATCH) eg.scope(() => { const idx = order.slice(s, s + BATCH); opt.step(vg(params, eg.gather(X, idx, 0), eg.gather(Y, idx, 0))[1]); });
  }
  eg.dispose([X, Y]);
}
const Xt = eg.tensor(data.test.x, [data.test.n, data.features]), Yt = eg.tensor(data.test.y);
const trainAcc = await eg.scope(() => eg.nn.accuracy(net.apply(questWeights(params), Xt), Yt)).item();

// in memory: the packed 4-bit layers
const qws = params.map(({ W }) => eg.quant.quantize(eg.transpose(W), { bits: 4, rotate: 'hadamard', granularity: 'row' }));
const forward = (layer) => eg.scope(() => {
  let h = Xt;
  params.forEach(({ b }, i) => { const z = layer(h, i, b); h = i < params.length - 1 ? eg.relu(z) : z; });
  return h;
});
const memLogits = forward((h, i, b) => eg.quant.linear(h, qws[i], b));

// export
const tensors = {}, blocks = [];
for (let i = 0; i < qws.length; i++) {
  const fits = qws[i].shape[1] % 256 === 0;
  tensors[`blk.${i}.weight`] = fits ? await eg.quant.toGGML(qws[i]) : qws[i].dequantize();
  tensors[`blk.${i}.bias`] = params[i].b;
  blocks.push(fits ? qws[i].rotation : 0);
}
const bytes = await eg.io.gguf.write(null, { metadata: { 'general.architecture': 'edgegrad.mlp', 'edgegrad.hadamard_blocks': Uint32Array.from(blocks) }, tensors });

// load and serve
const file = await eg.io.gguf.read(bytes);
const info = (name) => file.tensors.find((t) => t.name === name);
const fileBlocks = file.metadata['edgegrad.hadamard_blocks'];
const served = params.map((_, i) => {
  const w = info(`blk.${i}.weight`);
  return { type: w.type, w: w.type === 'F32' ? eg.io.gguf.dequantize(w) : eg.io.gguf.quantized(w), b: eg.io.gguf.dequantize(info(`blk.${i}.bias`)), block: fileBlocks[i] };
});
const fileLogits = forward((h, i) => {
  const s = served[i];
  if (s.type === 'F32') return eg.add(eg.matmul(h, eg.transpose(s.w)), s.b);
  return eg.quant.linear(s.block ? eg.quant.hadamard(h, { block: s.block }) : h, s.w, s.b);
});

const [a, b] = [await memLogits.data(), await fileLogits.data()];
let d2 = 0, y2 = 0;
for (let i = 0; i < a.length; i++) { d2 += (a[i] - b[i]) ** 2; y2 += a[i] ** 2; }
const memAcc = await eg.nn.accuracy(memLogits, Yt).item(), fileAcc = await eg.nn.accuracy(fileLogits, Yt).item();
console.log(`spiral MLP [2, 256, 256, 5], QuEST 4-bit training (${EPOCHS} epochs, ${backend}); chance 20%`);
console.log(`GGUF: ${bytes.length} bytes (${served.map((s) => s.type).join(', ')} weights); float32 weights would take ${4 * (2 * 256 + 256 * 256 + 256 * 5)} bytes`);
console.log('model                                test accuracy');
console.log(`QuEST training forward (fake quant)   ${(100 * trainAcc).toFixed(2)}%`);
console.log(`in memory, packed 4-bit (lut)         ${(100 * memAcc).toFixed(2)}%`);
console.log(`from the GGUF file (Q4_K, qmatmul)    ${(100 * fileAcc).toFixed(2)}%`);
console.log(`logits: file vs in memory, error RMS ${(100 * Math.sqrt(d2 / y2)).toFixed(3)}% of the logits' RMS`);
if (Math.abs(fileAcc - memAcc) > 0.005) { console.error('the exported model differs from the in-memory one by more than 0.5% accuracy'); process.exit(1); }
