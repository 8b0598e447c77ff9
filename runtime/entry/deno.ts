import { setPlatform, dirUrl } from '../platform.js';
import { navigatorGpu } from './gpu.js';
import { nodeThreads } from '../threads/node.js';

interface DenoFile { read(b: Uint8Array): Promise<number | null>; seek(offset: number, whence: number): Promise<number>; stat(): Promise<{ size: number }>; close(): void }
const D = (globalThis as { Deno?: { readFile(u: URL): Promise<Uint8Array<ArrayBuffer>>; writeFile(u: URL, d: Uint8Array): Promise<void>; open(u: URL): Promise<DenoFile>; cwd(): string } }).Deno;
setPlatform({
  name: 'deno',
  defaultWasm: (relaxed) => new URL(relaxed ? './edgegrad.relaxed.wasm' : './edgegrad.wasm', import.meta.url),
  readFile: (url) => D!.readFile(url),
  async openFile(url) {
    const f = await D!.open(url);
    const { size } = await f.stat();
    return {
      size,
      async read(into, position) {
        await f.seek(position, 0 /* Deno.SeekMode.Start */);
        let n = 0;
        while (n < into.length) {
          const r = await f.read(into.subarray(n));
          if (r === null) break;
          n += r;
        }
        return n;
      },
      close: async () => f.close(),
    };
  },
  writeFile: (url, data) => D!.writeFile(url, data),
  baseUrl: () => (D ? dirUrl(D.cwd()) : undefined),
  gpu: navigatorGpu,
  canCompileBytes: true,
  // Deno's web Workers keep the process alive until terminated; its node:worker_threads ones
  // can be unref'd, so a script with an idle pool ends without a dispose().
  threads: () => nodeThreads(new URL('./edgegrad.worker.node.js', import.meta.url), (relaxed) => new URL(relaxed ? './edgegrad.threads.relaxed.wasm' : './edgegrad.threads.wasm', import.meta.url)),
});

export * from '../../ts/index.js';
