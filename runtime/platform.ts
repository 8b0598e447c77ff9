// What differs per runtime, registered once by the entry module (runtime/entry/*).
// Nothing else in the library reads a platform global.

/** Anything wasm-pack's `init()` accepts, plus a promise of it. */
export type WasmSource =
  | URL | string | Request | Response | BufferSource | WebAssembly.Module
  | Promise<URL | string | Request | Response | BufferSource | WebAssembly.Module>;

export interface Platform {
  name: 'node' | 'deno' | 'workerd' | 'edge-light' | 'browser' | 'default';
  /** The bundled module(s) when init() is given no `wasm`: baseline SIMD and relaxed-SIMD builds. */
  defaultWasm(relaxed: boolean): WasmSource | Promise<WasmSource>;
  /** Reads a file: URL (Node, Deno); absent where there is no file system. */
  readFile?(url: URL): Promise<Uint8Array<ArrayBuffer>>;
  /** Writes a file: URL (Node, Deno); absent where there is no file system. */
  writeFile?(url: URL, data: Uint8Array): Promise<void>;
  /** Working directory for bare paths. */
  cwd?(): string;
  /** The WebGPU entry point when the user passes none, or undefined with a reason. */
  gpu(): Promise<{ gpu?: GPU; reason?: string }>;
  /** Whether compiling wasm from bytes is allowed (workerd and Vercel Edge forbid it). */
  canCompileBytes: boolean;
}

let current: Platform | undefined;
export function setPlatform(p: Platform): void { current = p; }
export function platform(): Platform {
  if (!current) throw new Error('edgegrad: no platform entry loaded; import "edgegrad" through its package exports');
  return current;
}
