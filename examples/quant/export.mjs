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
import { setup, fit, EPOCHS } from './spiral.mjs';

const { backend, data } = await setup();
const Q = { bits: 4 };

const net = eg.nn.mlp([data.features, 256, 256, data.classes], { key: eg.random.key(0), activation: 'relu' });
const params = net.init();
// W is [in, out] in nn.mlp: QuEST quantizes Wᵀ, so groups and rotation run along `in`
const questWeights = (p) => p.map(({ W, b }) => ({ W: eg.transpose(eg.quant.quest(eg.transpose(W), Q)), b }));
fit(net, params, data, { weights: questWeights, lr: 5e-3 });
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
