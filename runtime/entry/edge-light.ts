// Vercel Edge: like workerd, no compiling from bytes; its bundler wants the `?module` suffix.
import { setPlatform } from '../platform.js';
import { navigatorGpu } from './gpu.js';
import simdModule from './edgegrad.wasm?module';
import relaxedModule from './edgegrad.relaxed.wasm?module';

setPlatform({
  name: 'edge-light',
  defaultWasm: (relaxed) => (relaxed ? relaxedModule : simdModule),
  gpu: navigatorGpu,
  canCompileBytes: false,
});

export * from '../../ts/index.js';
