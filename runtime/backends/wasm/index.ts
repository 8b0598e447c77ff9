// The wasm backend: AssemblyScript SIMD kernels (assembly/) over one linear memory that
// this file manages. Only instantiates an already compiled WebAssembly.Module (edge
// workers forbid compiling from bytes); the loader picks the relaxed-SIMD build when
// WebAssembly.validate(relaxedSimdProbe) says the engine takes it. Each kernel family has
// its host adapter in a file of the same name as its assembly/ source.
import type { Backend, DType, Kernels, SupportsFn } from '../../types.js';
import { bytesPerElement, dtypeOfArray } from '../../ops-table.js';
import { EdgegradError } from '../../errors.js';
import { Heap } from './heap.js';
import { WasmContext, type Exports, type WasmHandle } from './context.js';
import { binary, binarySupports } from './binary.js';
import { unary, unarySupports } from './unary.js';
import { reduce, reduceSupports } from './reduce.js';
import { matmul } from './matmul.js';
import { PackCache, countWrites } from './pack-cache.js';
import { copy, copySupports } from './copy.js';
import { gather } from './gather.js';
import { where, whereSupports } from './where.js';
import { cast } from './cast.js';
import { softmax, logSumExp, layerNorm, rmsNorm } from './softmax.js';
import { fwht } from './fwht.js';
import { lut } from './lut.js';
import { rope } from './rope.js';
import { decodeAttention } from './attention.js';
import { optimStep } from './optim.js';
import { spmm, scatterAdd } from './sparse.js';
import { qmatmul } from './qmatmul.js';
import { otLse } from './ot.js';
import { Pool, type ThreadWorker } from '../../threads/pool.js';
import type { Threads } from './parallel.js';

export { simdProbe, relaxedSimdProbe } from './probe.js';
export type { WasmHandle } from './context.js';
export interface WasmBackendInfo { backend: Backend<WasmHandle>; simd: boolean; relaxedSimd: boolean }

/** Whether a module is the threaded build (it imports its memory, shared). */
export const isThreadedBuild = (m: WebAssembly.Module): boolean =>
  WebAssembly.Module.imports(m).some((i) => i.kind === 'memory');

/** What the threaded build needs beyond the module. */
export interface ThreadOptions {
  threads: number;
  spawn(): ThreadWorker;
  minWork(): number;
  counted(kernel: string): void;
}

/** Instantiates the threaded build on a new shared memory and starts threads - 1 workers on it. */
export async function createThreadedWasmBackend(module: WebAssembly.Module, o: ThreadOptions): Promise<WasmBackendInfo> {
  const memory = sharedMemory();
  const instance = await WebAssembly.instantiate(module, imports({ memory, tls: 0 }));
  const ex = instance.exports as unknown as Exports;
  const heap = new Heap(ex.memory, ex.heapBase());
  // each worker's instance gets its own copy of the static scratch (assembly/scratch.ts)
  const tls = Array.from({ length: o.threads - 1 }, () => heap.alloc(ex.heapBase()));
  const pool = await Pool.start(o.spawn, module, memory, o.threads, (i) => tls[i]);
  const features = ex.features();
  return {
    backend: makeBackend(ex, heap, { pool, minWork: o.minWork, counted: o.counted }),
    simd: (features & 1) !== 0, relaxedSimd: (features & 2) !== 0,
  };
}

/** The largest shared memory this engine grants: 4 GiB as the module allows, less on hosts
 *  that cannot reserve that much address space. */
function sharedMemory(): WebAssembly.Memory {
  for (const maximum of [65536, 32768, 16384]) {
    try { return new WebAssembly.Memory({ initial: 64, maximum, shared: true }); } catch { /* try less */ }
  }
  throw new EdgegradError('init', 'could not allocate a shared WebAssembly memory', "Use init({ threads: 1 })");
}

export function createWasmBackendSync(module: WebAssembly.Module): WasmBackendInfo {
  if (isThreadedBuild(module))
    throw new EdgegradError('initSync', 'edgegrad.threads.wasm needs await init() (its workers start asynchronously)', 'Pass edgegrad.wasm to initSync(), or use await init({ threads })');
  return fromInstance(new WebAssembly.Instance(module, imports()));
}

export async function createWasmBackend(module: WebAssembly.Module): Promise<WasmBackendInfo> {
  return fromInstance(await WebAssembly.instantiate(module, imports()));
}

function imports(threaded?: { memory: WebAssembly.Memory; tls: number }): WebAssembly.Imports {
  // The single-threaded builds need no imports; abort is here in case a debug build asks for it.
  return { env: { ...threaded, abort: () => { throw new EdgegradError('wasm', 'the module aborted', 'This is a bug in edgegrad: please report it'); } } };
}

function fromInstance(instance: WebAssembly.Instance): WasmBackendInfo {
  const ex = instance.exports as unknown as Exports;
  const features = ex.features();
  return { backend: makeBackend(ex, new Heap(ex.memory, ex.heapBase())), simd: (features & 1) !== 0, relaxedSimd: (features & 2) !== 0 };
}

/** The float32-only kernels' params carry no dtype; one given must be float32. */
const floatOnly = (p: unknown): boolean => ((p as { dtype?: DType }).dtype ?? 'float32') === 'float32';

/** Which params each kernel declines (the engine then applies the fallback policy). */
const supportsBy: SupportsFn = (kernel, p) => {
  switch (kernel) {
    case 'binary': return binarySupports(p as never);
    case 'unary': return unarySupports(p as never);
    case 'reduce': return reduceSupports(p as never);
    case 'copy': return copySupports(p as never);
    case 'where': return whereSupports(p as never);
    case 'matmul': case 'softmax': case 'logSumExp': case 'layerNorm': case 'rmsNorm': case 'optimStep': case 'otLse':
    case 'spmm': case 'scatterAdd': case 'qmatmul': case 'fwht': case 'lut': case 'rope': case 'decodeAttention':
      return floatOnly(p);
    case 'gather': case 'cast':
      return true; // every dtype
  }
};

function makeBackend(ex: Exports, heap: Heap, threads: Threads | null = null): Backend<WasmHandle> {
  const c = new WasmContext(ex, heap, threads);
  let live = 0;

  const packs = new PackCache(heap);
  const kernels: Kernels<WasmHandle> = countWrites({
    binary: binary(c), unary: unary(c), reduce: reduce(c), matmul: matmul(c, packs), copy: copy(c),
    gather: gather(c), where: where(c), cast: cast(c), softmax: softmax(c), logSumExp: logSumExp(c),
    layerNorm: layerNorm(c), rmsNorm: rmsNorm(c), optimStep: optimStep(c), otLse: otLse(c),
    spmm: spmm(c), scatterAdd: scatterAdd(c), qmatmul: qmatmul(c), fwht: fwht(c), lut: lut(c),
    rope: rope(c), decodeAttention: decodeAttention(c),
  });

  return {
    name: 'wasm',
    isCPU: true,
    alloc(dtype: DType, n: number, zero = true): WasmHandle {
      const bytes = n * bytesPerElement(dtype);
      live += bytes;
      return { ptr: heap.alloc(bytes, zero), bytes, gen: 0 };
    },
    free(h: WasmHandle): void {
      if (h.ptr < 0) return;
      packs.drop(h);
      heap.release(h.ptr, h.bytes);
      live -= h.bytes;
      h.ptr = -1;
    },
    write(h, data) { h.gen++; c.view(h, dtypeOfArray(data)!, data.length).set(data); },
    async read(h, dtype, n) { return c.view(h, dtype, n).slice(); },
    readSync(h, dtype, n) { return c.view(h, dtype, n).slice(); },
    // a view may be written through (the js reference kernels run on views of this memory)
    view: (h, dtype, n) => { h.gen++; return c.view(h, dtype, n); },
    bytesInUse: () => live,
    kernels,
    supports: supportsBy,
    sync: async () => {},
    dispose() { live = 0; packs.clear(); threads?.pool.dispose(); },
    threads: threads ? { count: threads.pool.threads, idle: () => threads.pool.idle() } : undefined,
  };
}
