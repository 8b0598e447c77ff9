// Machine limits: single-core WebAssembly SIMD128 peak FLOP/s (bench/peak.ts), the relaxed-SIMD
// FMA peak (bench/peak-relaxed.ts; Node 20 needs --experimental-wasm-relaxed-simd) and memory
// bandwidth as seen from wasm (sum / add / memory.copy over buffers far larger than the caches)
// and from JS (TypedArray.set, the cost of every readback).
//   node bench/limits.mjs [--relaxed] [--quick] [--out file.json]
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync, statSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const asc = `${root}node_modules/.bin/asc`;
export const peakWasm = `${root}build/bench-peak.wasm`;
export const peakRelaxedWasm = `${root}build/bench-peak-relaxed.wasm`;

/** Compile the two microbenchmarks with asc when their sources are newer than the .wasm. */
export function compilePeak() {
  mkdirSync(`${root}build`, { recursive: true });
  const jobs = [
    [`${root}bench/peak.ts`, peakWasm, 'simd'],
    [`${root}bench/peak-relaxed.ts`, peakRelaxedWasm, 'simd,relaxed-simd'],
  ];
  for (const [src, out, features] of jobs) {
    if (existsSync(out) && statSync(out).mtimeMs > statSync(src).mtimeMs) continue;
    execFileSync(asc, [src, '-o', out, '-O3', '--runtime', 'stub', '--noAssert', '--enable', features], { stdio: 'inherit' });
  }
}

const best = (xs) => Math.max(...xs);
const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };

function timeIt(fn, reps) {
  const out = [];
  for (let r = 0; r < reps; r++) { const t0 = performance.now(); fn(); out.push(performance.now() - t0); }
  return out;
}

async function measureBaseline(quick) {
  const { instance } = await WebAssembly.instantiate(readFileSync(peakWasm));
  const x = instance.exports;
  // Peak: warm up (tier-up to the optimizing compiler happens between calls), then time.
  for (let i = 0; i < 5; i++) x.peakMulAdd(10000, 1, 1e-9);
  const iters = quick ? 20e6 : 100e6;
  const flops = iters * 48;
  const peakMs = timeIt(() => x.peakMulAdd(iters, 1, 1e-9), quick ? 3 : 5);

  // Bandwidth: three 128 MiB arrays (32M floats each), touched before timing.
  const n = quick ? 8 << 20 : 32 << 20;
  const bytes = n * 4;
  const a = x.grow(bytes >> 16), b = x.grow(bytes >> 16), d = x.grow(bytes >> 16);
  if (!a || !b || !d) throw new Error('limits: memory.grow failed');
  const mem = () => new Float32Array(x.memory.buffer);
  { const m = mem(); m.fill(1, a / 4, a / 4 + n); m.fill(2, b / 4, b / 4 + n); m.fill(0, d / 4, d / 4 + n); }
  x.sumF32(a, 1024); x.addF32(d, a, b, 1024);
  const reps = quick ? 3 : 7;
  const sumMs = timeIt(() => x.sumF32(a, n), reps);
  const addMs = timeIt(() => x.addF32(d, a, b, n), reps);
  const copyMs = timeIt(() => x.copyBytes(d, a, bytes), reps);
  // JS: copying wasm memory out into a fresh typed array, i.e. what a readback costs.
  const src = mem().subarray(a / 4, a / 4 + n);
  const into = new Float32Array(n);
  into.set(src);
  const jsCopyMs = timeIt(() => into.set(src), reps);
  const small = 4 << 20; // 16 MiB: the size of the add and softmax results
  const srcSmall = src.subarray(0, small);
  const jsFreshMs = timeIt(() => { const o = new Float32Array(small); o.set(srcSmall); return o; }, reps * 2);
  const gbs = (traffic, ms) => +(traffic / (ms * 1e6)).toFixed(2);
  return {
    simd128PeakGflops: +(flops / (Math.min(...peakMs) * 1e6)).toFixed(2),
    simd128PeakGflopsMedian: +(flops / (med(peakMs) * 1e6)).toFixed(2),
    bandwidth: {
      bufferMiB: bytes >> 20,
      wasmSumReadGBs: gbs(bytes, Math.min(...sumMs)),
      wasmAddGBs: gbs(3 * bytes, Math.min(...addMs)), // 2 reads + 1 write
      wasmMemoryCopyGBs: gbs(2 * bytes, Math.min(...copyMs)), // read + write
      jsCopyIntoExistingGBs: gbs(2 * bytes, Math.min(...jsCopyMs)), // TypedArray.set into a touched array
      jsReadbackFresh16MiBGBs: gbs(2 * small * 4, med(jsFreshMs)), // new Float32Array(4M) + set(): one readback
      note: 'best of several runs, bytes moved / time; add counts 12 bytes per element as the add case does',
    },
  };
}

async function measureRelaxed(quick) {
  const bytes = readFileSync(peakRelaxedWasm);
  if (!WebAssembly.validate(bytes)) return { relaxedFmaPeakGflops: null, relaxedNote: 'relaxed SIMD does not validate in this engine (Node 20 needs --experimental-wasm-relaxed-simd)' };
  const { instance } = await WebAssembly.instantiate(bytes);
  const x = instance.exports;
  for (let i = 0; i < 5; i++) x.peakFma(10000, 1, 1e-9);
  const iters = quick ? 20e6 : 100e6;
  const ms = timeIt(() => x.peakFma(iters, 1, 1e-9), quick ? 3 : 5);
  return {
    relaxedFmaPeakGflops: +(iters * 96 / (Math.min(...ms) * 1e6)).toFixed(2),
    relaxedFmaPeakGflopsMedian: +(iters * 96 / (med(ms) * 1e6)).toFixed(2),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  compilePeak();
  const res = argv.includes('--relaxed') ? await measureRelaxed(quick) : await measureBaseline(quick);
  const i = argv.indexOf('--out');
  if (i >= 0) writeFileSync(argv[i + 1], JSON.stringify(res, null, 1));
  else console.log(res);
}
