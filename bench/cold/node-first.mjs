// One cold process: time from the import of a library to its first result (init + a 4-element
// add read back), split into import / init / first op. Node (and Deno for edgegrad).
//   node bench/cold/node-first.mjs <edgegrad|tfjs-wasm|ort-wasm> [dist/edgegrad.node.js]
const lib = globalThis.Deno ? Deno.args[0] : process.argv[2];
const distFile = globalThis.Deno ? Deno.args[1] : process.argv[3];
const x = [1, 2, 3, 4], want = [2, 4, 6, 8];
let t0, t1, t2, t3, out;
if (lib === 'edgegrad') {
  t0 = performance.now();
  const eg = await import(new URL(`file://${distFile}`).href);
  t1 = performance.now();
  await eg.init({ backend: 'wasm' });
  t2 = performance.now();
  const a = eg.tensor(x);
  out = await eg.add(a, a).data();
  t3 = performance.now();
} else if (lib === 'tfjs-wasm') {
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  t0 = performance.now();
  const tf = require('@tensorflow/tfjs-core');
  const tfw = require('@tensorflow/tfjs-backend-wasm');
  t1 = performance.now();
  tfw.setWasmPaths(new URL('../../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url).pathname);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  await tf.setBackend('wasm'); await tf.ready();
  t2 = performance.now();
  const a = tf.tensor(x);
  out = await tf.add(a, a).data();
  t3 = performance.now();
} else if (lib === 'ort-wasm') {
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  const { buildModel } = await import('../lib/onnx.mjs');
  const model = buildModel({ nodes: [{ op: 'Add', inputs: ['x', 'x'], outputs: ['y'] }], inputs: [['x', [4]]], outputs: [['y', [4]]] });
  t0 = performance.now();
  const ort = require('onnxruntime-web');
  t1 = performance.now();
  ort.env.wasm.numThreads = 1; ort.env.logLevel = 'error';
  // ort instantiates its wasm with the first session: that is its init
  const s = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
  t2 = performance.now();
  out = (await s.run({ x: new ort.Tensor('float32', new Float32Array(x), [4]) })).y.data;
  t3 = performance.now();
} else throw new Error(`unknown library ${lib}`);
if (!want.every((v, i) => out[i] === v)) throw new Error(`${lib}: wrong first result ${[...out]}`);
console.log(JSON.stringify({ importMs: t1 - t0, initMs: t2 - t1, firstOpMs: t3 - t2, totalMs: t3 - t0 }));
