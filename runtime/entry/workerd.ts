// Cloudflare Workers refuse WebAssembly.compile() on bytes at run time; the .wasm must be
// a module the deployment uploads, so it is imported here and handed over precompiled.
import { setPlatform, noThreads } from '../platform.js';
import { navigatorGpu } from './gpu.js';
import simdModule from './edgegrad.wasm';
import relaxedModule from './edgegrad.relaxed.wasm';

setPlatform({
  name: 'workerd',
  defaultWasm: (relaxed) => (relaxed ? relaxedModule : simdModule),
  gpu: navigatorGpu,
  canCompileBytes: false,
  threads: noThreads('workerd has no worker threads (each isolate runs one thread)'),
});

export * from '../../ts/index.js';
