import type { BackendName } from './types.js';

/** Counters behind eg.stats(): kernel launches per backend, fallbacks, cross-device copies. */
export interface Stats {
  launches: Record<BackendName, number>;
  /** kernel name -> launches, per backend */
  kernels: Record<BackendName, Record<string, number>>;
  fallbacks: { count: number; byKernel: Record<string, number> };
  copies: { count: number; bytes: number; byRoute: Record<string, number> };
  /** Kernel calls split across the thread pool (threaded wasm build), in all and per export. */
  parallel: { launches: number; byKernel: Record<string, number> };
}

export function emptyStats(): Stats {
  return {
    launches: { js: 0, wasm: 0, webgpu: 0 },
    kernels: { js: {}, wasm: {}, webgpu: {} },
    fallbacks: { count: 0, byKernel: {} },
    copies: { count: 0, bytes: 0, byRoute: {} },
    parallel: { launches: 0, byKernel: {} },
  };
}

export function cloneStats(s: Stats): Stats {
  return JSON.parse(JSON.stringify(s)) as Stats;
}
