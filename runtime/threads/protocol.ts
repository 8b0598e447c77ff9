// The wire between the calling thread and the workers of the pool: one SharedArrayBuffer
// that never grows (the wasm memory may), read as Int32 for the handshake and as Float64
// for the call arguments. A job is an export of the threaded build called with numbers;
// both sides number the module's exported functions the same way (functionNames below).

/** Int32 slots: PENDING counts workers still running the current job; ERROR is set by one
 *  whose call threw; STOP ends every worker loop. Worker i waits on SEQ + i. */
export const PENDING = 0, ERROR = 1, STOP = 2, SEQ = 8;
export const MAX_WORKERS = 64;
/** Float64 slots per worker: [function index, argument count, arguments...]. */
export const SLOT = 32;
const HEADER_BYTES = (SEQ + MAX_WORKERS) * 4;

export const controlBytes = (workers: number): number => HEADER_BYTES + workers * SLOT * 8;
export const argsView = (sab: SharedArrayBuffer, workers: number): Float64Array => new Float64Array(sab, HEADER_BYTES, workers * SLOT);

/** The module's exported functions, in a fixed order both sides derive from the module. */
export function functionNames(module: WebAssembly.Module): string[] {
  return WebAssembly.Module.exports(module).filter((e) => e.kind === 'function').map((e) => e.name).sort();
}

/** What a worker is sent once, at start. */
export interface WorkerStart {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  index: number;
  workers: number;
  /** This worker's copy of the static scratch (see assembly/scratch.ts). */
  tls: number;
}

/** What a worker answers: 'ready' once instantiated, or why it could not start. */
export type WorkerReply = { ready: true } | { ready: false; error: string };
