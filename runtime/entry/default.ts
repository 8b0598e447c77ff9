import { setPlatform } from '../platform.js';
import { navigatorGpu } from './gpu.js';
import { pageUrl } from './page.js';

setPlatform({
  name: 'default',
  // fetched relative to this module, so a CDN or static host serves both side by side
  defaultWasm: (relaxed) => new URL(relaxed ? './edgegrad.relaxed.wasm' : './edgegrad.wasm', import.meta.url),
  baseUrl: pageUrl,
  gpu: navigatorGpu,
  canCompileBytes: true,
});

export * from '../../ts/index.js';
