// init(): probes every backend, picks one, and reports why the others were rejected.
// One init at a time is in force: a later call supersedes one still probing, whose backends
// (GPU device included) are disposed as soon as its probe ends.
import { engine, DEFAULT_THREADS_THRESHOLD, type FallbackPolicy } from './engine.js';
import { platform, type GPUEntry, type GPUPowerPreferenceName, type WasmSource } from './platform.js';
import { toModule, compileSync } from './loader.js';
import { EdgegradError } from './errors.js';
import type { Backend, BackendName } from './types.js';
import { createWasmBackend, createWasmBackendSync, createThreadedWasmBackend, isThreadedBuild, relaxedSimdProbe, simdProbe, type WasmBackendInfo, type ThreadOptions } from './backends/wasm/index.js';
import { MAX_WORKERS } from './threads/protocol.js';
import { createWebGPUBackend, openAdapter, GPU_REQUEST_TIMEOUT_MS } from './backends/webgpu/index.js';

export interface InitOptions {
  backend?: 'auto' | BackendName;
  /** The .wasm, as wasm-pack's init() takes it. Default: the bundled build next to the module. */
  wasm?: WasmSource;
  /** A WebGPU entry point (Node: `create([])` from the `webgpu` package). Default: navigator.gpu / dynamic import. `null`: no WebGPU. */
  gpu?: GPUEntry | null;
  /** How long requestAdapter() and requestDevice() may take each before WebGPU is reported unavailable (ms, default 10000). */
  gpuTimeoutMs?: number;
  /** What happens when a backend lacks a kernel: run the js reference ('cpu'), also warn once, or throw. */
  fallback?: FallbackPolicy;
  /** Output size (elements) from which CPU-resident work moves to the GPU; work (elements) from
   *  which a wasm kernel call is split across threads. */
  thresholds?: { webgpu?: number; threads?: number };
  /** Threads for the wasm backend, the calling one included: 'auto' (one per hardware thread) or
   *  a count. Default 1. Needs workers and SharedArrayBuffer (a cross-origin isolated page in
   *  browsers); elsewhere the report's wasm.threadsReason says why it runs one. */
  threads?: 'auto' | number;
  /** Record allocation sites so eg.memory().leaks can say where live tensors came from. */
  debug?: boolean;
  powerPreference?: GPUPowerPreferenceName;
}

export interface CapabilityReport {
  selected: BackendName;
  runtime: string;
  backends: {
    webgpu: {
      ok: boolean; reason?: string;
      /** The adapter is a software rasterizer (SwiftShader, llvmpipe, a fallback adapter): auto passes it over. */
      software?: boolean;
      adapter?: { vendor: string; architecture: string; device: string; description: string };
      limits?: Record<string, number>;
    };
    /** simd/relaxedSimd are null when no module was loaded, so what it would have used is unknown. */
    wasm: {
      ok: boolean; reason?: string; simd: boolean | null; relaxedSimd: boolean | null;
      /** Kernels run on a worker pool (threadCount threads); when false, threadsReason says why. */
      threads: boolean; threadCount: number; threadsReason?: string;
    };
    js: { ok: true };
  };
}

/** What a probe made: the report and the backends, not yet installed in the engine. */
interface Probe { report: CapabilityReport; made: Partial<Record<BackendName, Backend>> }

type State = 'not started' | 'initialising' | 'ready' | 'failed';
let state: State = 'not started';
/** Bumped by every init()/initSync(); a probe whose number is no longer current was superseded. */
let generation = 0;
/** The settlement of the latest call; superseded calls resolve or reject with it. */
let latest: Promise<CapabilityReport> = Promise.resolve(undefined as unknown as CapabilityReport);
let lastReport: CapabilityReport | undefined;
const BACKENDS: BackendName[] = ['webgpu', 'wasm', 'js'];

function validate(o: InitOptions): 'auto' | BackendName {
  const want = o.backend ?? 'auto';
  if (!['auto', ...BACKENDS].includes(want))
    throw new EdgegradError('init', `unknown backend '${String(want)}'`, "Use 'auto', 'webgpu', 'wasm' or 'js'");
  if (o.fallback !== undefined && !['cpu', 'warn', 'error'].includes(o.fallback))
    throw new EdgegradError('init', `unknown fallback policy '${o.fallback}'`, "Use 'cpu', 'warn' or 'error'");
  const t = o.threads;
  if (t !== undefined && t !== 'auto' && !(Number.isInteger(t) && t >= 1 && t <= MAX_WORKERS + 1))
    throw new EdgegradError('init', `threads must be 'auto' or an integer from 1 to ${MAX_WORKERS + 1}, got ${typeof t === 'string' ? `'${t}'` : String(t)}`, "Use threads: 'auto' (one per hardware thread), 2, 4, ... or 1 for none");
  const th = o.thresholds?.threads;
  if (th !== undefined && !(th >= 0)) throw new EdgegradError('init', `thresholds.threads must be >= 0, got ${th}`, 'Pass an element count (Infinity keeps every call on one thread)');
  return want;
}

/** Disposes what the engine holds and stops ops until the next backend is installed. */
function teardown(why: string): void {
  for (const b of Object.values(engine.backends)) if (b && b.name !== 'js') b.dispose?.();
  engine.backends = { js: engine.backends.js };
  engine.reset();
  engine.notReady = why;
}

function dispose(made: Probe['made']): void {
  for (const b of Object.values(made)) if (b && b.name !== 'js') b.dispose?.();
}

function choose(want: 'auto' | BackendName, { report, made }: Probe): BackendName {
  if (want === 'auto') return made.webgpu ? 'webgpu' : made.wasm ? 'wasm' : 'js';
  if (want !== 'js' && !made[want]) {
    const reason = report.backends[want].reason ?? 'not available';
    throw new EdgegradError('init', `backend '${want}' is not available: ${reason}`, "Use backend: 'auto' to take the best available one");
  }
  return want;
}

/** Puts a probe's backends in the engine, or disposes them and throws when `want` is missing. */
function install(o: InitOptions, want: 'auto' | BackendName, probe: Probe): CapabilityReport {
  let selected: BackendName;
  try {
    selected = choose(want, probe);
  } catch (e) {
    dispose(probe.made);
    state = 'failed';
    engine.notReady = `edgegrad is not initialised: the last init() failed (${(e as Error).message})`;
    throw e;
  }
  engine.backends = { js: engine.backends.js, ...probe.made };
  engine.fallback = o.fallback ?? 'cpu';
  engine.thresholds = { webgpu: o.thresholds?.webgpu ?? 4096, threads: o.thresholds?.threads ?? DEFAULT_THREADS_THRESHOLD };
  engine.debug = !!o.debug;
  engine.selected = selected;
  engine.notReady = null;
  probe.report.selected = selected;
  state = 'ready';
  lastReport = probe.report;
  return probe.report;
}

function emptyReport(webgpu: string, wasm: string): CapabilityReport {
  return {
    selected: 'js', runtime: platform().name,
    backends: { webgpu: { ok: false, reason: webgpu }, wasm: wasmReport(null, wasm), js: { ok: true } },
  };
}

function wasmReport(info: WasmBackendInfo | null, reason?: string, simd: boolean | null = null, threadsReason = NO_THREADS): CapabilityReport['backends']['wasm'] {
  const count = info?.backend.threads?.count ?? 1;
  const threads = count > 1 ? { threads: true, threadCount: count } : { threads: false, threadCount: 1, threadsReason };
  return info ? { ok: true, simd: info.simd, relaxedSimd: info.relaxedSimd, ...threads }
    : { ok: false, reason, simd, relaxedSimd: simd === false ? false : null, ...threads };
}

const NO_THREADS = "not requested (init({ threads: 'auto' }) or a count)";

/** The threaded build with its pool, or why not. `given`: the module init({ wasm }) passed. */
async function startThreads(o: InitOptions, given: WebAssembly.Module | undefined): Promise<WasmBackendInfo | string> {
  if ((o.threads ?? 1) === 1) return NO_THREADS;
  const pt = await platform().threads();
  if ('reason' in pt) return pt.reason;
  const n = o.threads === 'auto' ? Math.min(pt.cores, MAX_WORKERS + 1) : o.threads!;
  if (n < 2) return `threads: 'auto' found ${pt.cores} hardware thread`;
  if (given && !isThreadedBuild(given)) return 'init({ wasm }) passed a single-threaded build; pass edgegrad.threads.wasm for threads';
  try {
    const relaxed = WebAssembly.validate(relaxedSimdProbe as Uint8Array<ArrayBuffer>);
    return await createThreadedWasmBackend(given ?? (await toModule(pt.wasm(relaxed))), threadOptions(n, pt.spawn));
  } catch (e) {
    return `the thread pool did not start: ${(e as Error).message}`;
  }
}

const threadOptions = (threads: number, spawn: ThreadOptions['spawn']): ThreadOptions => ({
  threads, spawn, minWork: () => engine.thresholds.threads, counted: (k: string) => engine.countParallel(k),
});

const hasWasm = (): boolean => typeof WebAssembly === 'object' && typeof WebAssembly.instantiate === 'function';
const NO_WASM = 'this runtime has no WebAssembly';

async function probeWasm(o: InitOptions, p: Probe): Promise<void> {
  if (!hasWasm()) { p.report.backends.wasm = wasmReport(null, NO_WASM); return; }
  try {
    const given = o.wasm === undefined ? undefined : await toModule(o.wasm);
    let info = await startThreads(o, given);
    const why = typeof info === 'string' ? info : undefined;
    if (typeof info === 'string') {
      const relaxed = !given && WebAssembly.validate(relaxedSimdProbe as Uint8Array<ArrayBuffer>);
      const module = given ?? (await toModule(await platform().defaultWasm(relaxed)));
      // the threaded build runs on one thread too (its memory is still imported)
      info = isThreadedBuild(module) ? await createThreadedWasmBackend(module, threadOptions(1, () => { throw new Error('no workers'); })) : await createWasmBackend(module);
    }
    p.made.wasm = info.backend as Backend;
    p.report.backends.wasm = wasmReport(info, undefined, null, why);
  } catch (e) {
    // An engine without SIMD128 cannot run the build at all: that, not the load error, is the reason.
    const simd = WebAssembly.validate(simdProbe as Uint8Array<ArrayBuffer>);
    p.report.backends.wasm = simd ? wasmReport(null, (e as Error).message) : wasmReport(null, 'this engine does not validate WebAssembly SIMD128', false);
  }
}

async function probeWebGPU(o: InitOptions, want: 'auto' | BackendName, p: Probe): Promise<void> {
  if (o.gpu === null) { p.report.backends.webgpu = { ok: false, reason: 'init({ gpu: null }): WebGPU not wanted' }; return; }
  try {
    let gpu = o.gpu;
    if (!gpu) {
      const found = await platform().gpu();
      if (!found.gpu) throw new EdgegradError('init', found.reason ?? 'no WebGPU entry point');
      gpu = found.gpu;
    }
    const opts = { powerPreference: o.powerPreference, timeoutMs: o.gpuTimeoutMs ?? GPU_REQUEST_TIMEOUT_MS };
    const opened = await openAdapter(gpu as GPU, opts);
    const software = opened.software !== null;
    if (software && want === 'auto') {
      // A software rasterizer runs these kernels tens of times slower than wasm: no device is made.
      p.report.backends.webgpu = {
        ok: true, software, adapter: opened.info,
        reason: `software adapter (${opened.software}): not chosen by auto; pass backend: 'webgpu'`,
      };
      return;
    }
    const g = await createWebGPUBackend(opened, opts);
    p.made.webgpu = g.backend as Backend;
    p.report.backends.webgpu = { ok: true, software, adapter: g.adapter, limits: g.limits };
  } catch (e) {
    p.report.backends.webgpu = { ok: false, reason: (e as Error).message };
  }
}

/**
 * Probes the backends and installs the best one (or the one asked for). The state runs
 * not started -> initialising -> ready | failed. A call made while another is initialising
 * supersedes it: the earlier probe's backends are disposed when it ends, and the earlier
 * promise settles like the latest call's.
 */
export function init(options: InitOptions = {}): Promise<CapabilityReport> {
  let want: 'auto' | BackendName;
  try { want = validate(options); } catch (e) { return Promise.reject(e); }
  const mine = ++generation;
  state = 'initialising';
  teardown('edgegrad is initialising: an init() call has not settled');
  const p: Probe = {
    report: emptyReport('not requested', 'not requested'),
    made: {},
  };
  const run = (async () => {
    if (want !== 'js') await probeWasm(options, p);
    if (want === 'auto' || want === 'webgpu') await probeWebGPU(options, want, p);
    if (mine !== generation) {
      dispose(p.made);
      return latest;
    }
    return install(options, want, p);
  })();
  latest = run;
  return run;
}

/** Synchronous init for the CPU backends, mirroring wasm-pack's initSync. Supersedes an init() in flight. */
export function initSync(options: { wasm?: BufferSource | WebAssembly.Module; backend?: 'auto' | 'wasm' | 'js' } & Omit<InitOptions, 'wasm' | 'backend' | 'gpu'> = {}): CapabilityReport {
  const want = validate({ ...options, wasm: undefined });
  if (want === 'webgpu') throw new EdgegradError('initSync', "backend 'webgpu' needs await init() (adapter requests are async)", "Use await eg.init({ backend: 'webgpu' })");
  generation++;
  teardown('edgegrad is not initialised');
  const p: Probe = {
    report: emptyReport('initSync() does not start WebGPU (adapter requests are async); use await init()', 'no wasm given to initSync()'),
    made: {},
  };
  if (want !== 'js' && !hasWasm()) p.report.backends.wasm = wasmReport(null, NO_WASM);
  else if (want !== 'js' && options.wasm) {
    try {
      const info = createWasmBackendSync(compileSync(options.wasm));
      p.made.wasm = info.backend as Backend;
      p.report.backends.wasm = wasmReport(info, undefined, null, (options.threads ?? 1) === 1 ? NO_THREADS : 'initSync() runs one thread (workers start asynchronously); use await init({ threads })');
    } catch (e) {
      p.report.backends.wasm = wasmReport(null, (e as Error).message);
    }
  }
  try {
    const report = install(options, want, p);
    latest = Promise.resolve(report);
    return report;
  } catch (e) {
    latest = Promise.reject(e);
    latest.catch(() => {});
    throw e;
  }
}

export function backend(): BackendName { return engine.selected; }
export function capabilities(): CapabilityReport | undefined { return lastReport; }
/** Where init stands: 'not started', 'initialising', 'ready' or 'failed'. */
export function initState(): State { return state; }

/**
 * Sets the placement thresholds (as init's `thresholds` option) without re-initialising;
 * returns the previous ones. E.g. `{ webgpu: Infinity }` keeps new tensors on the CPU, where
 * the sync dense factorizations (eg.linalg) can read them.
 */
export function setThresholds(t: { webgpu?: number; threads?: number }): { webgpu: number; threads: number } {
  const prev = { ...engine.thresholds };
  if (t.webgpu !== undefined) {
    if (!(t.webgpu >= 0)) throw new EdgegradError('setThresholds', `webgpu threshold must be >= 0, got ${t.webgpu}`, 'Pass an element count (Infinity keeps tensors on the CPU)');
    engine.thresholds = { ...engine.thresholds, webgpu: t.webgpu };
  }
  if (t.threads !== undefined) {
    if (!(t.threads >= 0)) throw new EdgegradError('setThresholds', `threads threshold must be >= 0, got ${t.threads}`, 'Pass an element count (Infinity keeps every call on one thread)');
    engine.thresholds = { ...engine.thresholds, threads: t.threads };
  }
  return prev;
}
