// What differs per runtime, registered once by the entry module (runtime/entry/*).
// Nothing else in the library reads a platform global.
import { EdgegradError } from './errors.js';
import type { ThreadWorker } from './threads/pool.js';

/** Anything wasm-pack's `init()` accepts, plus a promise of it. */
export type WasmSource =
  | URL | string | Request | Response | BufferSource | WebAssembly.Module
  | Promise<URL | string | Request | Response | BufferSource | WebAssembly.Module>;

/** A WebGPU entry point: `navigator.gpu`, or `create([])` from the `webgpu` package in Node.
 *  Only what the public types need is named, so they compile without the WebGPU lib
 *  (@webgpu/types); the backend uses the full `GPU` type. */
export interface GPUEntry {
  requestAdapter(options?: { powerPreference?: GPUPowerPreferenceName }): Promise<unknown>;
}
export type GPUPowerPreferenceName = 'low-power' | 'high-performance';

export interface OpenFile {
  size: number;
  /** Fills `into` from byte `position`; resolves to the count (fewer only at the end of the file). */
  read(into: Uint8Array, position: number): Promise<number>;
  close(): Promise<void>;
}

export interface Platform {
  name: 'node' | 'deno' | 'workerd' | 'edge-light' | 'browser' | 'default';
  /** The bundled module(s) when init() is given no `wasm`: baseline SIMD and relaxed-SIMD builds. */
  defaultWasm(relaxed: boolean): WasmSource | Promise<WasmSource>;
  /** Reads a file: URL (Node, Deno); absent where there is no file system. */
  readFile?(url: URL): Promise<Uint8Array<ArrayBuffer>>;
  /** Opens a file: URL for positioned reads (Node, Deno), so a large file can be read piece by
   *  piece; absent where there is no file system. */
  openFile?(url: URL): Promise<OpenFile>;
  /** Writes a file: URL (Node, Deno); absent where there is no file system. */
  writeFile?(url: URL, data: Uint8Array): Promise<void>;
  /** What a relative path string is resolved against: the page (document.baseURI) in a browser,
   *  the working directory (file:) in Node and Deno; absent where there is neither. */
  baseUrl?(): string | undefined;
  /** The WebGPU entry point when the user passes none, or undefined with a reason. */
  gpu(): Promise<{ gpu?: GPUEntry; reason?: string }>;
  /** Whether compiling wasm from bytes is allowed (workerd and Vercel Edge forbid it). */
  canCompileBytes: boolean;
  /** Worker threads for the threaded wasm build, or why there are none here. */
  threads(): Promise<PlatformThreads | { reason: string }>;
}

/** What a runtime with workers and SharedArrayBuffer gives the thread pool (runtime/threads/). */
export interface PlatformThreads {
  /** The bundled threaded build (shared memory, atomics), baseline SIMD or relaxed SIMD. */
  wasm(relaxed: boolean): WasmSource;
  /** Starts one worker running the bundled worker script (dist/edgegrad.worker*.js). */
  spawn(): ThreadWorker;
  /** Hardware threads, for threads: 'auto'. */
  cores: number;
}

/** Where a runtime has no workers, or lacks SharedArrayBuffer. */
export const noThreads = (reason: string) => async (): Promise<{ reason: string }> => ({ reason });

let current: Platform | undefined;
export function setPlatform(p: Platform): void { current = p; }
export function platform(): Platform {
  if (!current) throw new EdgegradError('init', 'no platform entry loaded', 'Import "edgegrad" through its package exports');
  return current;
}

/** A directory path as a file: URL with a trailing slash, for resolving relative paths. */
export function dirUrl(path: string): string {
  const p = path.replace(/\\/g, '/');
  return new URL(`file://${p.startsWith('/') ? '' : '/'}${encodeURI(p).replace(/[?#]/g, encodeURIComponent)}/`).href;
}

