// The dispatcher and memory manager. The op layer (ts/) validates shapes and builds
// kernel params; the engine decides where each kernel runs, moves inputs there,
// allocates the output and keeps the books (eg.stats(), eg.memory()).
import type { Backend, BackendName, DType, KernelInputs, KernelName, KernelParams, TypedArray } from './types.js';
import { bytesPerElement } from './ops-table.js';
import { createJsBackend, jsKernels } from './backends/js/index.js';
import { EdgegradError } from './errors.js';
import { emptyStats, type Stats } from './stats.js';

export type FallbackPolicy = 'cpu' | 'warn' | 'error';

/** Device storage shared by a tensor and its reshaped views (refcounted). */
export interface Storage {
  backend: Backend;
  handle: unknown;
  readonly dtype: DType;
  readonly size: number;
  refs: number;
  readonly gen: number;
}

/** Anything eg.scope() can free. */
export interface Trackable { dispose(): void; readonly isDisposed: boolean; allocSite?: string }

// The one place kernels are called through a common signature; run()'s types tie the
// inputs and params to the kernel's own.
type AnyKernel = (...args: unknown[]) => void;

/** Elements of work under which a wasm kernel call stays on one thread (eg.calibrate() measures it). */
export const DEFAULT_THREADS_THRESHOLD = 32768;

export class Engine {
  backends: Partial<Record<BackendName, Backend>> = {};
  selected: BackendName = 'js';
  fallback: FallbackPolicy = 'cpu';
  /** Output size (elements) from which an op whose inputs are on the CPU moves to the GPU;
   *  work (elements) from which a wasm kernel call is split across threads. */
  thresholds = { webgpu: 4096, threads: DEFAULT_THREADS_THRESHOLD };
  debug = false;
  /** Bumped by every init(): storage from an older generation belongs to torn-down backends. */
  gen = 0;
  /** Why no op may run yet (runtime/init.ts keeps it); null once init() has chosen a backend. */
  notReady: string | null = 'edgegrad is not initialised';
  stats: Stats = emptyStats();
  readonly live = new Set<Trackable>();
  private scopes: Set<Trackable>[] = [];
  private warned = new Set<string>();

  constructor() {
    this.backends.js = jsBackendSingleton();
  }

  /** The CPU backend ops run on when they are not on the GPU. */
  cpu(): Backend {
    return (this.selected !== 'js' && this.backends.wasm) || this.backends.js!;
  }

  // ---- storage -------------------------------------------------------------
  allocOn(backend: Backend, dtype: DType, size: number, zero = true): Storage {
    if (this.notReady) throw new EdgegradError('tensor', this.notReady, 'await eg.init() first (or eg.initSync({ wasm }) for the CPU backends)');
    return { backend, handle: backend.alloc(dtype, size, zero), dtype, size, refs: 1, gen: this.gen };
  }

  /** Where a fresh tensor of `size` elements is placed. */
  home(size: number): Backend {
    const gpu = this.backends.webgpu;
    return gpu && this.selected === 'webgpu' && size >= this.thresholds.webgpu ? gpu : this.cpu();
  }

  fromData(data: TypedArray, dtype: DType, on?: Backend): Storage {
    const s = this.allocOn(on ?? this.home(data.length), dtype, data.length);
    if (data.length) s.backend.write(s.handle, data);
    return s;
  }

  release(s: Storage): void {
    if (--s.refs === 0 && s.gen === this.gen) s.backend.free(s.handle);
  }

  check(s: Storage, op: string): void {
    if (s.gen !== this.gen)
      throw new EdgegradError(op, 'tensor was created before eg.init() switched backends', 'Create it again after init()');
  }

  async read(s: Storage): Promise<TypedArray> {
    return s.backend.read(s.handle, s.dtype, s.size);
  }

  readSync(s: Storage, op = 'dataSync'): TypedArray {
    if (!s.backend.readSync)
      throw new EdgegradError(op, `the tensor lives on ${s.backend.name}, which cannot be read synchronously`, 'Use `await t.data()` (or `await t.array()`)');
    return s.backend.readSync(s.handle, s.dtype, s.size);
  }

  /** Moves storage to `target` in place (every view follows). Counted as a copy. */
  migrate(s: Storage, target: Backend, op: string): void {
    if (s.backend === target) return;
    const src = s.backend;
    if (!src.isCPU) throw new EdgegradError(op, `input lives on ${src.name} and cannot be moved to ${target.name} synchronously`, 'Read it with `await t.data()` and create a new tensor');
    const h = target.alloc(s.dtype, s.size);
    if (s.size) target.write(h, src.view ? src.view(s.handle, s.dtype, s.size) : src.readSync!(s.handle, s.dtype, s.size));
    src.free(s.handle);
    s.backend = target;
    s.handle = h;
    this.countCopy(src.name, target.name, s.size * bytesPerElement(s.dtype));
  }

  countCopy(from: string, to: string, bytes: number): void {
    const c = this.stats.copies;
    c.count++;
    c.bytes += bytes;
    const route = `${from}->${to}`;
    c.byRoute[route] = (c.byRoute[route] ?? 0) + 1;
  }

  // ---- dispatch -------------------------------------------------------------
  private supports<K extends KernelName>(b: Backend, kernel: K, p: KernelParams<K>): boolean {
    return !!b.kernels[kernel] && (!b.supports || b.supports(kernel, p));
  }

  /** `backend:kernel.op:dtype`, the key of stats().fallbacks.byKernel. */
  private fallbackKey<K extends KernelName>(from: string, kernel: K, p: KernelParams<K>): string {
    const q = p as { op?: unknown; dtype?: unknown; from?: unknown };
    return `${from}:${kernel}${q.op ? '.' + String(q.op) : ''}:${String(q.dtype ?? q.from ?? 'float32')}`;
  }

  /** Applies the fallback policy to one launch that `from` declines; throws under 'error'. */
  private countFallback<K extends KernelName>(kernel: K, p: KernelParams<K>, from: string, op: string): void {
    const key = this.fallbackKey(from, kernel, p);
    if (this.fallback === 'error')
      throw new EdgegradError(op, `the ${from} backend has no kernel for ${key} and the fallback policy is 'error'`, "Use init({ fallback: 'cpu' }) to allow the js reference kernel");
    if (this.fallback === 'warn' && !this.warned.has(key)) {
      this.warned.add(key);
      console.warn(`edgegrad: ${op} falls back to the js kernel (${key})`);
    }
    this.stats.fallbacks.count++;
    this.stats.fallbacks.byKernel[key] = (this.stats.fallbacks.byKernel[key] ?? 0) + 1;
  }

  /** Picks the backend for one kernel launch: inputs on the GPU keep it on the GPU;
   *  CPU inputs go up only when the output is at least the webgpu threshold. */
  private place<K extends KernelName>(kernel: K, inputs: readonly (Storage | null)[], size: number, p: KernelParams<K>, op: string): Backend {
    const gpu = this.backends.webgpu;
    const onGpu = inputs.some((s) => s && !s.backend.isCPU);
    if (gpu && (onGpu || (this.selected === 'webgpu' && size >= this.thresholds.webgpu))) {
      if (this.supports(gpu, kernel, p)) return gpu;
      if (onGpu) {
        // a GPU result cannot come back to the CPU synchronously: the policy can only say no
        const key = this.fallbackKey('webgpu', kernel, p);
        throw new EdgegradError(op, `the webgpu backend has no kernel for ${key}, and an input on the GPU cannot fall back to the CPU synchronously`, 'Read the input with `await t.data()`, make a CPU tensor of it, and run the op there (or cast to float32 first)');
      }
      this.countFallback(kernel, p, 'webgpu', op);
    }
    return this.cpu();
  }

  /**
   * Runs `kernel` with `inputs` (null for absent optional inputs) into a new storage
   * of `outDtype`/`outSize` (or into `into`, for kernels that fill an output piecewise).
   */
  run<K extends KernelName>(op: string, kernel: K, inputs: KernelInputs<K, Storage>, outDtype: DType, outSize: number, params: KernelParams<K>, into?: Storage): Storage {
    const ins = inputs as readonly (Storage | null)[];
    for (const s of ins) if (s) this.check(s, op);
    let target = into ? into.backend : this.place(kernel, ins, outSize, params, op);
    for (const s of ins) if (s) this.migrate(s, target, op);
    // every kernel writes its whole output, so it need not be cleared first
    const out = into ?? this.allocOn(target, outDtype, outSize, false);
    if (outSize === 0) return out;
    const fn = target.kernels[kernel] as AnyKernel | undefined;
    if (fn && this.supports(target, kernel, params)) {
      fn(...ins.map((s) => (s ? s.handle : null)), out.handle, params);
    } else {
      if (!target.isCPU) throw new EdgegradError(op, `the ${target.name} backend declined ${this.fallbackKey(target.name, kernel, params)} for an output it already holds`, 'Run this op on a CPU backend');
      // A CPU backend: run the reference kernel on zero-copy views of its memory.
      this.countFallback(kernel, params, target.name, op);
      const views = ins.map((s) => (s ? view(s) : null));
      (jsKernels[kernel] as AnyKernel)(...views, view(out), params);
      target = this.backends.js!;
    }
    this.stats.launches[target.name]++;
    const k = this.stats.kernels[target.name];
    k[kernel] = (k[kernel] ?? 0) + 1;
    return out;
  }

  /** A kernel call split across the thread pool, for stats(). */
  countParallel(kernel: string): void {
    const p = this.stats.parallel;
    p.launches++;
    p.byKernel[kernel] = (p.byKernel[kernel] ?? 0) + 1;
  }

  // ---- lifetime --------------------------------------------------------------
  track(t: Trackable): void {
    this.live.add(t);
    if (this.debug) t.allocSite = callerSite();
    const top = this.scopes[this.scopes.length - 1];
    if (top) top.add(t);
  }

  untrack(t: Trackable): void {
    this.live.delete(t);
    for (const s of this.scopes) s.delete(t);
  }

  /** Runs fn, then frees every tensor it made that is not reachable from its result. */
  scope<T>(fn: () => T, keep: (result: T) => Trackable[]): T {
    const mine = new Set<Trackable>();
    this.scopes.push(mine);
    let result: T;
    try {
      result = fn();
      if (result && typeof (result as { then?: unknown }).then === 'function')
        throw new EdgegradError('scope', 'fn returned a Promise; scope() frees tensors synchronously', 'Await inside, then call scope() on the synchronous part');
    } catch (e) {
      this.scopes.pop();
      for (const t of mine) if (!t.isDisposed) t.dispose();
      throw e;
    }
    this.scopes.pop();
    const kept = new Set(keep(result));
    for (const t of mine) if (!kept.has(t) && !t.isDisposed) t.dispose();
    const parent = this.scopes[this.scopes.length - 1];
    if (parent) for (const t of kept) if (!t.isDisposed) parent.add(t);
    return result;
  }

  /** Forget every backend-held object (init() switching backends). */
  reset(): void {
    this.gen++;
    this.live.clear();
    this.scopes = [];
    this.stats = emptyStats();
    this.warned.clear();
  }
}

/** The first frames of the current stack outside edgegrad: the bundle is one file, the
 *  unbundled build one folder holding runtime/ (this file's frame names either). */
function callerSite(): string | undefined {
  const E = Error as { stackTraceLimit?: number };
  const limit = E.stackTraceLimit;
  E.stackTraceLimit = 100; // op layers nest deep; the default 10 frames may all be ours
  const lines = (new Error().stack ?? '').split('\n');
  E.stackTraceLimit = limit;
  const fileOf = (l: string) => /([^\s(@]+):\d+:\d+\)?\s*$/.exec(l)?.[1];
  const frames = lines.filter((l) => fileOf(l));
  const self = fileOf(frames[0] ?? '');
  if (!self) return undefined;
  const own = self.replace(/runtime\/engine\.js$/, '');
  return frames.filter((l) => !fileOf(l)!.startsWith(own)).slice(0, 4).map((l) => l.trim()).join('\n') || undefined;
}

function view(s: Storage): TypedArray {
  return s.backend.view!(s.handle, s.dtype, s.size);
}

let jsSingleton: Backend | undefined;
function jsBackendSingleton(): Backend {
  return (jsSingleton ??= createJsBackend() as Backend);
}

/** The one engine of this module instance. */
export const engine = new Engine();

