// init(): probes every backend, picks one, and reports why the others were rejected.
import { engine, type FallbackPolicy } from './engine.js';
import { platform, type WasmSource } from './platform.js';
import { toModule, compileSync } from './loader.js';
import { EdgegradError } from './errors.js';
import type { Backend, BackendName } from './types.js';
import { createWasmBackend, createWasmBackendSync, relaxedSimdProbe, simdProbe } from './backends/wasm/index.js';
import { createWebGPUBackend } from './backends/webgpu/index.js';

export interface InitOptions {
  backend?: 'auto' | BackendName;
  /** The .wasm, as wasm-pack's init() takes it. Default: the bundled build next to the module. */
  wasm?: WasmSource;
  /** A WebGPU entry point (Node: `create([])` from the `webgpu` package). Default: navigator.gpu / dynamic import. */
  gpu?: GPU | null;
  /** What happens when a backend lacks a kernel: run the js reference ('cpu'), also warn once, or throw. */
  fallback?: FallbackPolicy;
  /** Output size (elements) from which CPU-resident work moves to the GPU. */
  thresholds?: { webgpu?: number };
  /** Record allocation sites so eg.memory().leaks can say where live tensors came from. */
  debug?: boolean;
  powerPreference?: GPUPowerPreference;
}

export interface CapabilityReport {
  selected: BackendName;
  runtime: string;
  backends: {
    webgpu: { ok: boolean; reason?: string; adapter?: { vendor: string; architecture: string; device: string; description: string }; limits?: Record<string, number> };
    wasm: { ok: boolean; reason?: string; simd: boolean; relaxedSimd: boolean; threads: boolean };
    js: { ok: true };
  };
}

let lastReport: CapabilityReport | undefined;
const ORDER: BackendName[] = ['webgpu', 'wasm', 'js'];

function teardown(): void {
  for (const b of Object.values(engine.backends)) if (b && b.name !== 'js') b.dispose?.();
  engine.backends = { js: engine.backends.js };
  engine.reset();
}

function configure(o: InitOptions): void {
  const want = o.backend ?? 'auto';
  if (!['auto', ...ORDER].includes(want))
    throw new EdgegradError('init', `unknown backend '${String(want)}'`, "Use 'auto', 'webgpu', 'wasm' or 'js'");
  engine.fallback = o.fallback ?? 'cpu';
  if (!['cpu', 'warn', 'error'].includes(engine.fallback)) throw new EdgegradError('init', `unknown fallback policy '${engine.fallback}'`, "Use 'cpu', 'warn' or 'error'");
  engine.thresholds = { webgpu: o.thresholds?.webgpu ?? 4096 };
  engine.debug = !!o.debug;
}

function choose(want: 'auto' | BackendName, report: CapabilityReport): BackendName {
  const ok = (n: BackendName) => report.backends[n].ok;
  if (want !== 'auto') {
    if (!ok(want)) throw new EdgegradError('init', `backend '${want}' is not available: ${(report.backends[want] as { reason?: string }).reason}`, "Use backend: 'auto' to take the best available one");
    return want;
  }
  return ORDER.find(ok)!;
}

function wasmReport(info: { simd: boolean; relaxedSimd: boolean } | null, reason?: string): CapabilityReport['backends']['wasm'] {
  return { ok: !!info, reason, simd: info?.simd ?? false, relaxedSimd: info?.relaxedSimd ?? false, threads: false };
}

export async function init(options: InitOptions = {}): Promise<CapabilityReport> {
  const want = options.backend ?? 'auto';
  configure(options);
  teardown();
  const report: CapabilityReport = {
    selected: 'js', runtime: platform().name,
    backends: { webgpu: { ok: false, reason: 'not requested' }, wasm: wasmReport(null, 'not requested'), js: { ok: true } },
  };

  if (want !== 'js') {
    try {
      const relaxed = options.wasm === undefined && WebAssembly.validate(relaxedSimdProbe as Uint8Array<ArrayBuffer>);
      const source = options.wasm ?? (await platform().defaultWasm(relaxed));
      const info = await createWasmBackend(await toModule(source));
      engine.backends.wasm = info.backend as Backend;
      report.backends.wasm = wasmReport(info);
    } catch (e) {
      const simd = WebAssembly.validate(simdProbe as Uint8Array<ArrayBuffer>);
      report.backends.wasm = wasmReport(null, simd ? (e as Error).message : 'this engine does not validate WebAssembly SIMD128');
    }
  }
  if (want === 'auto' || want === 'webgpu') {
    try {
      let gpu = options.gpu ?? undefined;
      if (!gpu) {
        const found = await platform().gpu();
        if (!found.gpu) throw new Error(found.reason ?? 'no WebGPU entry point');
        gpu = found.gpu;
      }
      const g = await createWebGPUBackend(gpu, { powerPreference: options.powerPreference });
      engine.backends.webgpu = g.backend as Backend;
      report.backends.webgpu = { ok: true, adapter: g.adapter, limits: g.limits };
    } catch (e) {
      report.backends.webgpu = { ok: false, reason: (e as Error).message };
    }
  }
  report.selected = choose(want, report);
  engine.selected = report.selected;
  lastReport = report;
  return report;
}

/** Synchronous init for the CPU backends, mirroring wasm-pack's initSync. */
export function initSync(options: { wasm?: BufferSource | WebAssembly.Module; backend?: 'auto' | 'wasm' | 'js' } & Omit<InitOptions, 'wasm' | 'backend' | 'gpu'> = {}): CapabilityReport {
  const want = options.backend ?? 'auto';
  configure({ ...options, wasm: undefined });
  teardown();
  const report: CapabilityReport = {
    selected: 'js', runtime: platform().name,
    backends: { webgpu: { ok: false, reason: 'initSync() does not start WebGPU (adapter requests are async); use await init()' }, wasm: wasmReport(null, 'no wasm given to initSync()'), js: { ok: true } },
  };
  if (want !== 'js' && options.wasm) {
    try {
      const info = createWasmBackendSync(compileSync(options.wasm));
      engine.backends.wasm = info.backend as Backend;
      report.backends.wasm = wasmReport(info);
    } catch (e) {
      report.backends.wasm = wasmReport(null, (e as Error).message);
    }
  }
  report.selected = choose(want, report);
  engine.selected = report.selected;
  lastReport = report;
  return report;
}

export function backend(): BackendName { return engine.selected; }
export function capabilities(): CapabilityReport | undefined { return lastReport; }

/**
 * Sets the placement thresholds (as init's `thresholds` option) without re-initialising;
 * returns the previous ones. E.g. `{ webgpu: Infinity }` keeps new tensors on the CPU, where
 * the sync dense factorizations (eg.linalg) can read them.
 */
export function setThresholds(t: { webgpu?: number }): { webgpu: number } {
  const prev = { ...engine.thresholds };
  if (t.webgpu !== undefined) {
    if (!(t.webgpu >= 0)) throw new EdgegradError('setThresholds', `webgpu threshold must be >= 0, got ${t.webgpu}`, 'Pass an element count (Infinity keeps tensors on the CPU)');
    engine.thresholds = { ...engine.thresholds, webgpu: t.webgpu };
  }
  return prev;
}
