import { setPlatform } from '../platform.js';
import { navigatorGpu } from './gpu.js';

const D = (globalThis as { Deno?: { readFile(u: URL): Promise<Uint8Array<ArrayBuffer>>; writeFile(u: URL, d: Uint8Array): Promise<void>; cwd(): string } }).Deno;
setPlatform({
  name: 'deno',
  defaultWasm: (relaxed) => new URL(relaxed ? './edgegrad.relaxed.wasm' : './edgegrad.wasm', import.meta.url),
  readFile: (url) => D!.readFile(url),
  writeFile: (url, data) => D!.writeFile(url, data),
  cwd: () => D?.cwd() ?? '',
  gpu: navigatorGpu,
  canCompileBytes: true,
});

export * from '../../ts/index.js';
