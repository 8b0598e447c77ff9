import { setPlatform, dirUrl } from '../platform.js';
import { navigatorGpu } from './gpu.js';
import { nodeThreads } from '../threads/node.js';

const proc = (globalThis as { process?: { cwd(): string } }).process;
let dawn: GPU | undefined;
setPlatform({
  name: 'node',
  defaultWasm: (relaxed) => new URL(relaxed ? './edgegrad.relaxed.wasm' : './edgegrad.wasm', import.meta.url),
  async readFile(url) {
    const fs = (await import('node:fs/promises' as string)) as { readFile(u: URL): Promise<Uint8Array<ArrayBuffer>> };
    return new Uint8Array(await fs.readFile(url));
  },
  async openFile(url) {
    type Handle = { read(b: Uint8Array, o: number, n: number, pos: number): Promise<{ bytesRead: number }>; stat(): Promise<{ size: number }>; close(): Promise<void> };
    const fs = (await import('node:fs/promises' as string)) as { open(u: URL, flags: string): Promise<Handle> };
    const h = await fs.open(url, 'r');
    const { size } = await h.stat();
    return {
      size,
      async read(into, position) {
        let n = 0;
        while (n < into.length) {
          const { bytesRead } = await h.read(into, n, into.length - n, position + n);
          if (bytesRead === 0) break;
          n += bytesRead;
        }
        return n;
      },
      close: () => h.close(),
    };
  },
  async writeFile(url, data) {
    const fs = (await import('node:fs/promises' as string)) as { writeFile(u: URL, d: Uint8Array): Promise<void> };
    await fs.writeFile(url, data);
  },
  baseUrl: () => (proc ? dirUrl(proc.cwd()) : undefined),
  async gpu() {
    const nav = await navigatorGpu();
    if (nav.gpu) return nav;
    // Node has no WebGPU of its own; the optional `webgpu` package (Dawn) provides one.
    try {
      const mod = (await import('webgpu' as string)) as { create(flags: string[]): GPU };
      // One Dawn instance for the life of the process: Dawn aborts the process when the object
      // create() returned is collected while devices made from it exist, or at exit after that.
      dawn ??= mod.create([]);
      return { gpu: dawn };
    } catch (e) {
      return { reason: `Node has no navigator.gpu and the 'webgpu' package could not be loaded (${(e as Error).message}); npm install webgpu, or pass init({ gpu })` };
    }
  },
  threads: () => nodeThreads(new URL('./edgegrad.worker.node.js', import.meta.url), (relaxed) => new URL(relaxed ? './edgegrad.threads.relaxed.wasm' : './edgegrad.threads.wasm', import.meta.url)),
  canCompileBytes: true,
});

export * from '../../ts/index.js';
