import { setPlatform } from '../platform.js';
import { navigatorGpu } from './gpu.js';
import { webThreads } from '../threads/web.js';
import { pageUrl } from './page.js';

setPlatform({
  name: 'default',
  // fetched relative to this module, so a CDN or static host serves both side by side
  defaultWasm: (relaxed) => new URL(relaxed ? './edgegrad.relaxed.wasm' : './edgegrad.wasm', import.meta.url),
  baseUrl: pageUrl,
  gpu: navigatorGpu,
  canCompileBytes: true,
  threads: async () => webThreads(() => new Worker(new URL('./edgegrad.worker.js', import.meta.url), { type: 'module' }), (relaxed) => (relaxed ? new URL('./edgegrad.threads.relaxed.wasm', import.meta.url) : new URL('./edgegrad.threads.wasm', import.meta.url))),
});

export * from '../../ts/index.js';
