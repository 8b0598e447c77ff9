// Bundles the tsc output into one ES module per package export condition. The entries
// differ only in runtime/entry/*: how the default .wasm is found and where WebGPU comes from.
const entries = ['node', 'deno', 'workerd', 'edge-light', 'browser', 'default'];

// The worker entries import the .wasm as a module (workerd and Vercel Edge refuse to
// compile wasm from bytes at run time); the bundler of the deploying user resolves it.
const external = (id) => id.endsWith('.wasm') || id.endsWith('.wasm?module') || id.startsWith('node:') || id === 'webgpu';

export default entries.map((name) => ({
  input: `build/tsc/runtime/entry/${name}.js`,
  output: { file: `dist/edgegrad.${name}.js`, format: 'es', sourcemap: false },
  external,
  onwarn(w, warn) { if (w.code !== 'CIRCULAR_DEPENDENCY') warn(w); },
}));
