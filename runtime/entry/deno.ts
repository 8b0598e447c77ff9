import { setPlatform, dirUrl } from '../platform.js';
import { navigatorGpu } from './gpu.js';
import { webThreads } from '../threads/web.js';

const D = (globalThis as { Deno?: { readFile(u: URL): Promise<Uint8Array<ArrayBuffer>>; writeFile(u: URL, d: Uint8Array): Promise<void>; cwd(): string } }).Deno;
setPlatform({
  name: 'deno',
  defaultWasm: (relaxed) => new URL(relaxed ? './edgegrad.relaxed.wasm' : './edgegrad.wasm', import.meta.url),
  readFile: (url) => D!.readFile(url),
  writeFile: (url, data) => D!.writeFile(url, data),
  baseUrl: () => (D ? dirUrl(D.cwd()) : undefined),
  gpu: navigatorGpu,
  canCompileBytes: true,
  threads: async () => webThreads(() => new Worker(new URL('./edgegrad.worker.js', import.meta.url), { type: 'module' }), new URL('./edgegrad.threads.wasm', import.meta.url)),
});

export * from '../../ts/index.js';
