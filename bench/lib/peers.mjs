// Peer libraries, each wrapped in the same adapter shape as edgegrad:
//   create() -> { name, info, setup(case, inputs) -> { run, chain, dispose } }
//   run():    the op on inputs already resident in the library, plus readback into a JS typed array
//   chain(k): the op k times without intermediate readback, one readback at the end
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { opGraph as graph } from './ort-graph.mjs';

const require = createRequire(import.meta.url);
const nodeModules = fileURLToPath(new URL('../../node_modules/', import.meta.url));

// ---------------------------------------------------------------- tfjs-backend-wasm
export async function createTfjs() {
  // Both packages through require(): tfjs-backend-wasm's Node entry is CommonJS and must share
  // one tfjs-core instance with us.
  const tf = require('@tensorflow/tfjs-core');
  const tfw = require('@tensorflow/tfjs-backend-wasm');
  tfw.setWasmPaths(`${nodeModules}@tensorflow/tfjs-backend-wasm/dist/`);
  tf.env().set('WASM_HAS_SIMD_SUPPORT', true);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs: setBackend("wasm") failed');
  await tf.ready();
  const info = {
    version: require('@tensorflow/tfjs-backend-wasm/package.json').version,
    backend: tf.getBackend(),
    simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'),
    threads: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') ? 'multi' : 1,
  };
  const ops = {
    matmul: (x, [, b]) => tf.matMul(x, b),
    add: (x, [, b]) => tf.add(x, b),
    softmax: (x) => tf.softmax(x, -1),
    sum: (x) => tf.sum(x),
  };
  return {
    name: 'tfjs-wasm', info,
    setup(c, inputs) {
      const ts = inputs.map((d, i) => tf.tensor(d, c.shapes[i], 'float32'));
      const op = ops[c.op];
      return {
        async run() { const y = op(ts[0], ts); const d = await y.data(); y.dispose(); return d; },
        async chain(k) {
          let y = op(ts[0], ts);
          for (let i = 1; i < k; i++) {
            const z = op(c.op === 'sum' ? ts[0] : y, ts); // sum: k independent reductions
            y.dispose(); y = z;
          }
          const d = y.dataSync(); y.dispose(); return d;
        },
        dispose() { ts.forEach((t) => t.dispose()); },
      };
    },
  };
}

// ---------------------------------------------------------------- onnxruntime-web
export async function createOrt() {
  const ort = require('onnxruntime-web');
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
  const info = { version: ort.env.versions.web, backend: 'wasm', simd: true, threads: 1 };

  return {
    name: 'ort-wasm', info,
    async setup(c, inputs) {
      const feeds = { x: new ort.Tensor('float32', inputs[0], c.shapes[0]) };
      if (inputs[1]) feeds.b = new ort.Tensor('float32', inputs[1], c.shapes[1]);
      // Optimizations off only for the k-chain: its k identical ReduceSum nodes must not be merged.
      const opts = (level) => ({ executionProviders: ['wasm'], graphOptimizationLevel: level });
      const single = await ort.InferenceSession.create(graph(c, 1), opts('all'));
      const chained = new Map();
      return {
        async run() { const out = await single.run(feeds); return out.y.data; },
        async chain(k) {
          if (!chained.has(k)) chained.set(k, await ort.InferenceSession.create(graph(c, k), opts(c.op === 'sum' ? 'disabled' : 'all')));
          const out = await chained.get(k).run(feeds);
          return out.y.data;
        },
        async dispose() { await single.release(); for (const s of chained.values()) await s.release(); },
      };
    },
  };
}
