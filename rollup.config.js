// Bundles the tsc output into one ES module per package export condition. The entries
// differ only in runtime/entry/*: how the default .wasm is found and where WebGPU comes from.
const entries = ['node', 'deno', 'workerd', 'edge-light', 'browser', 'default'];

// The worker entries import the .wasm as a module (workerd and Vercel Edge refuse to
// compile wasm from bytes at run time); the bundler of the deploying user resolves it.
const external = (id) => id.endsWith('.wasm') || id.endsWith('.wasm?module') || id.startsWith('node:') || id === 'webgpu';

// The thread pool's worker scripts: module workers (browsers, Deno) and Node's worker_threads.
const workers = { 'worker': 'worker-web', 'worker.node': 'worker-node' };

export default [
  ...entries.map((name) => [`build/tsc/runtime/entry/${name}.js`, `dist/edgegrad.${name}.js`]),
  ...Object.entries(workers).map(([out, src]) => [`build/tsc/runtime/threads/${src}.js`, `dist/edgegrad.${out}.js`]),
].map(([input, file]) => ({
  input,
  output: { file, format: 'es', sourcemap: false },
  external,
  onwarn(w, warn) { if (w.code !== 'CIRCULAR_DEPENDENCY') warn(w); },
}));
