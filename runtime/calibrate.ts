// eg.calibrate(): measures where the GPU starts to beat the CPU backend on this machine and
// sets the dispatcher's threshold from it. The default (4096 elements) assumes a GPU dispatch
// costs tens of microseconds; a software adapter or a fast CPU moves the break-even point.
import { engine } from './engine.js';
import type { Backend } from './types.js';

export interface CalibrationResult {
  /** The new thresholds.webgpu (unchanged when there is no GPU backend). */
  webgpu: number;
  /** Median ms of an elementwise add per size on each side. */
  samples: { size: number; cpuMs: number; gpuMs: number }[];
  reason: string;
  /** With a thread pool (init({ threads })): the new thresholds.threads, from the median ms of an
   *  elementwise add per size on one thread and split across the pool. */
  threads?: { threshold: number; samples: { size: number; oneMs: number; splitMs: number }[]; reason: string };
}

const now = (): number => performance.now();

async function timeAdd(b: Backend, size: number, reps: number): Promise<number> {
  const p = { op: 'add' as const, dtype: 'float32' as const, outShape: [size], aStrides: [1], bStrides: [1], aOffset: 0, bOffset: 0, size };
  const a = b.alloc('float32', size), c = b.alloc('float32', size), out = b.alloc('float32', size);
  const times: number[] = [];
  try {
    for (let i = 0; i <= reps; i++) {
      const t = now();
      b.kernels.binary!(a, c, out, p);
      await b.sync?.();
      if (i) times.push(now() - t); // the first run compiles pipelines / warms caches
    }
  } finally {
    b.free(a); b.free(c); b.free(out);
  }
  times.sort((x, y) => x - y);
  return times[times.length >> 1];
}

/** Where splitting an add across the pool starts to pay: the first size where it is faster, by
 *  at least 10% (a wake-up costs microseconds and its jitter must not flip the choice). */
async function calibrateThreads(cpu: Backend, reps: number, apply: boolean): Promise<CalibrationResult['threads']> {
  if (!cpu.threads || cpu.threads.count < 2) return undefined;
  const prev = engine.thresholds.threads;
  const samples: NonNullable<CalibrationResult['threads']>['samples'] = [];
  let threshold = Infinity;
  try {
    for (let l = 10; l <= 22; l += 2) {
      const size = 2 ** l;
      engine.thresholds.threads = Infinity;
      const oneMs = await timeAdd(cpu, size, reps);
      engine.thresholds.threads = 0;
      const splitMs = await timeAdd(cpu, size, reps);
      samples.push({ size, oneMs, splitMs });
      if (splitMs < 0.9 * oneMs) { threshold = size; break; }
    }
  } finally {
    engine.thresholds.threads = apply ? threshold : prev;
  }
  return {
    threshold, samples,
    reason: threshold < Infinity ? `${cpu.threads.count} threads are faster from ${threshold} elements` : 'one thread was as fast at every size up to 2^22: calls stay on one thread',
  };
}

/** `apply: false` measures without changing the dispatcher. */
export async function calibrate(opts: { maxLog2?: number; reps?: number; apply?: boolean } = {}): Promise<CalibrationResult> {
  const gpu = engine.backends.webgpu, cpu = engine.cpu();
  const threads = await calibrateThreads(cpu, opts.reps ?? 5, opts.apply !== false);
  if (!gpu) return { webgpu: engine.thresholds.webgpu, samples: [], reason: 'no webgpu backend: nothing to calibrate', ...(threads && { threads }) };
  const reps = opts.reps ?? 5, maxLog2 = opts.maxLog2 ?? 22;
  const samples: CalibrationResult['samples'] = [];
  let threshold = 2 ** maxLog2;
  for (let l = 10; l <= maxLog2; l += 2) {
    const size = 2 ** l;
    const s = { size, cpuMs: await timeAdd(cpu, size, reps), gpuMs: await timeAdd(gpu, size, reps) };
    samples.push(s);
    if (s.gpuMs < s.cpuMs) { threshold = size; break; }
  }
  const beaten = samples.some((s) => s.gpuMs < s.cpuMs);
  if (opts.apply !== false) engine.thresholds.webgpu = threshold;
  return {
    webgpu: threshold, samples, ...(threads && { threads }),
    reason: beaten ? `the GPU is faster from ${threshold} elements` : `the CPU (${cpu.name}) was faster at every size up to 2^${maxLog2}; only larger ops go to the GPU`,
  };
}
