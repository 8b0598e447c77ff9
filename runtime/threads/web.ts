// Module workers as browsers and Deno make them (the entry passes the `new Worker(new URL(...,
// import.meta.url), { type: 'module' })` expression itself, written out whole so bundlers
// find and copy the worker script).
import type { PlatformThreads, WasmSource } from '../platform.js';
import type { ThreadWorker } from './pool.js';

export function webThreads(make: () => Worker, wasm: (relaxed: boolean) => WasmSource): PlatformThreads | { reason: string } {
  const g = globalThis as { SharedArrayBuffer?: unknown; Worker?: unknown; crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  if (typeof g.Worker !== 'function') return { reason: 'this runtime has no Worker' };
  // browsers hide SharedArrayBuffer unless the page is served with COOP/COEP headers
  if (g.crossOriginIsolated === false) return { reason: 'the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)' };
  if (typeof g.SharedArrayBuffer !== 'function') return { reason: 'this runtime has no SharedArrayBuffer' };
  return {
    wasm,
    cores: g.navigator?.hardwareConcurrency ?? 1,
    spawn(): ThreadWorker {
      const w = make();
      return {
        post: (m) => w.postMessage(m),
        onReply(fn) {
          w.onmessage = (e) => fn(e.data);
          w.onerror = (e) => { e.preventDefault(); fn({ ready: false, error: e.message || 'the worker script failed to load' }); };
        },
        terminate: () => w.terminate(),
      };
    },
  };
}
