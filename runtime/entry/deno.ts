import { setPlatform, dirUrl } from '../platform.js';
import { navigatorGpu } from './gpu.js';

const D = (globalThis as { Deno?: { readFile(u: URL): Promise<Uint8Array<ArrayBuffer>>; cwd(): string } }).Deno;
setPlatform({
  name: 'deno',
  defaultWasm: (relaxed) => new URL(relaxed ? './edgegrad.relaxed.wasm' : './edgegrad.wasm', import.meta.url),
  readFile: (url) => D!.readFile(url),
  baseUrl: () => (D ? dirUrl(D.cwd()) : undefined),
  gpu: navigatorGpu,
  canCompileBytes: true,
});

export * from '../../ts/index.js';
