// A persistent pool of workers sharing the threaded wasm build's memory. The calling thread
// joins every job (the CPU API stays synchronous): it posts chunks 1..n-1 to workers through
// the control buffer, runs chunk 0 itself, then waits until PENDING is 0. Workers are made by
// the platform entry (runtime/entry/*); this file only speaks the protocol.
import { EdgegradError } from '../errors.js';
import { PENDING, ERROR, STOP, SEQ, SLOT, MAX_WORKERS, argsView, controlBytes, functionNames, type WorkerStart, type WorkerReply } from './protocol.js';

/** One worker as the platform makes it: Node worker_threads, Deno or browser module Worker. */
export interface ThreadWorker {
  post(msg: WorkerStart): void;
  /** The worker's first reply, or an error event / exit before it. */
  onReply(fn: (r: WorkerReply) => void): void;
  terminate(): void;
}

/** How long a worker may take to instantiate the module before threads are reported unavailable. */
const START_TIMEOUT_MS = 15000;
/** Loads of PENDING before the caller sleeps on it (the other chunks usually end about when chunk 0 does). */
const SPIN = 20000;

export class Pool {
  private readonly ctl: Int32Array;
  private readonly args: Float64Array;
  private readonly index: Map<string, number>;
  /** Whether this thread may block in Atomics.wait (not a browser's main thread: it spins). */
  private readonly canBlock: boolean;
  private alive = true;
  /** Jobs run on more than one thread; read by the backend for stats(). */
  launches = 0;

  private constructor(private readonly workers: ThreadWorker[], control: SharedArrayBuffer, module: WebAssembly.Module) {
    this.ctl = new Int32Array(control);
    this.args = argsView(control, workers.length);
    this.index = new Map(functionNames(module).map((n, i) => [n, i]));
    this.canBlock = blockingAllowed();
  }

  /** Threads in all, the caller included. */
  get threads(): number { return this.workers.length + 1; }

  /**
   * Starts `threads - 1` workers on `module` (the threaded build) and `memory`; `tls(i)` gives
   * worker i's scratch block. Resolves once every worker has instantiated the module.
   */
  static async start(spawn: () => ThreadWorker, module: WebAssembly.Module, memory: WebAssembly.Memory, threads: number, tls: (i: number) => number): Promise<Pool> {
    const n = Math.min(threads - 1, MAX_WORKERS);
    const control = new SharedArrayBuffer(controlBytes(n));
    const workers: ThreadWorker[] = [];
    try {
      await Promise.all(Array.from({ length: n }, (_, i) => new Promise<void>((resolve, reject) => {
        const w = spawn();
        workers.push(w);
        const timer = setTimeout(() => reject(new Error(`a worker did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
        w.onReply((r) => {
          clearTimeout(timer);
          if (r.ready) resolve(); else reject(new Error(`a worker could not start: ${r.error}`));
        });
        w.post({ module, memory, control, index: i, workers: n, tls: tls(i) });
      })));
    } catch (e) {
      for (const w of workers) w.terminate();
      throw e;
    }
    return new Pool(workers, control, module);
  }

  /**
   * Calls the export `fn` once per chunk of arguments, chunk 0 on this thread and the others on
   * workers, and returns when all have finished. `self` runs chunk 0 (the caller's instance).
   */
  run(fn: string, chunks: readonly (readonly number[])[], self: (...a: number[]) => void): void {
    if (!this.alive) throw new EdgegradError('wasm', 'the thread pool was shut down (init() was called again)', 'Use tensors made after the latest init()');
    const jobs = chunks.length - 1;
    if (jobs > this.workers.length) throw new EdgegradError('wasm', `${chunks.length} chunks for ${this.threads} threads`, 'This is a bug in edgegrad: please report it');
    const id = this.index.get(fn);
    if (id === undefined) throw new EdgegradError('wasm', `the threaded build has no export '${fn}'`, 'This is a bug in edgegrad: please report it');
    const { ctl, args } = this;
    Atomics.store(ctl, ERROR, 0);
    Atomics.store(ctl, PENDING, jobs);
    for (let w = 0; w < jobs; w++) {
      const a = chunks[w + 1], base = w * SLOT;
      args[base] = id; args[base + 1] = a.length;
      for (let i = 0; i < a.length; i++) args[base + 2 + i] = +a[i];
      Atomics.add(ctl, SEQ + w, 1);
      Atomics.notify(ctl, SEQ + w, 1);
    }
    this.launches++;
    let threw: unknown;
    try { self(...chunks[0]); } catch (e) { threw = e; }
    this.join();
    if (threw !== undefined) throw threw;
    if (Atomics.load(ctl, ERROR)) throw new EdgegradError('wasm', `a worker thread failed in '${fn}'`, 'This is a bug in edgegrad: please report it with the op and shapes');
  }

  private join(): void {
    const ctl = this.ctl;
    for (let i = 0; i < SPIN; i++) if (Atomics.load(ctl, PENDING) === 0) return;
    for (;;) {
      const left = Atomics.load(ctl, PENDING);
      if (left === 0) return;
      if (this.canBlock) Atomics.wait(ctl, PENDING, left);
    }
  }

  /** Whether every worker is waiting for work (nothing posted and unfinished). */
  idle(): boolean { return Atomics.load(this.ctl, PENDING) === 0; }

  /** Stops the loops and terminates the workers. */
  dispose(): void {
    if (!this.alive) return;
    this.alive = false;
    Atomics.store(this.ctl, STOP, 1);
    for (let w = 0; w < this.workers.length; w++) { Atomics.add(this.ctl, SEQ + w, 1); Atomics.notify(this.ctl, SEQ + w); }
    for (const w of this.workers) w.terminate();
  }
}

/** Atomics.wait throws on a browser's main thread; everywhere else (Node and Deno main
 *  threads, workers) it may block. */
function blockingAllowed(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}
