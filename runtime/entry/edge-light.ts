// Vercel Edge: like workerd, no compiling from bytes; its bundler wants the `?module` suffix.
import { setPlatform, noThreads } from '../platform.js';
import { navigatorGpu } from './gpu.js';
import simdModule from './edgegrad.wasm?module';
import relaxedModule from './edgegrad.relaxed.wasm?module';

setPlatform({
  name: 'edge-light',
  defaultWasm: (relaxed) => (relaxed ? relaxedModule : simdModule),
  gpu: navigatorGpu,
  canCompileBytes: false,
  threads: noThreads('Vercel Edge has no worker threads'),
});

export * from '../../ts/index.js';
