// Quantization section of `npm run bench`: the blocked FWHT of a [4096, 4096] float32 matrix per
// backend against that backend's measured read bandwidth (eg.sum over the same matrix), and
// one 4096 x 4096 layer's GEMV on wasm with 1-, 2- and 4-bit weights (packed uniform codes and
// codebooks, both through the `lut` kernel) beside Q8_0 / Q4_0 (`qmatmul`) and float32
// (`matmul`), as GEMVs per second, effective weight GB/s and the tokens/s a 7B-parameter model
// would get at that rate (weights read once per token). Run alone: `node bench/quant.mjs [--quick] [--out file]`.
const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
function lcg(seed) { let s = seed >>> 0; return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296; }
/** Median ms of fn over reps runs after one warm-up; fn returns a tensor, read back each time. */
async function time(eg, fn, reps) {
  const ts = [];
  for (let r = 0; r <= reps; r++) {
    const t = performance.now();
    const y = fn();
    await y.data();
    if (r > 0) ts.push(performance.now() - t);
    y.dispose();
  }
  return median(ts);
}

export async function runQuantBench({ quick = false, log = console.log } = {}) {
  const eg = await import(process.env.EG_BENCH_DIST ?? '../dist/edgegrad.node.js');
  const out = { fwht: [], gemv: [] };
  const n = quick ? 2048 : 4096, bytes = n * n * 4;
  if (!process.env.VK_ICD_FILENAMES && (await import('node:fs')).existsSync(SWIFTSHADER)) process.env.VK_ICD_FILENAMES = SWIFTSHADER;
  const rnd = lcg(7);
  const data = Float32Array.from({ length: n * n }, () => rnd() * 2 - 1);

  // ---- FWHT per backend vs the bandwidth that backend reads at; a software WebGPU adapter is
  // skipped (SwiftShader took ~60 s for one block-128 FWHT of [1024, 1024])
  for (const backend of ['wasm', 'js', 'webgpu']) {
    let info;
    try { info = await eg.init({ backend }); } catch (e) { log(`  FWHT ${backend}: not available (${e.message.split('\n')[0]})`); continue; }
    if (info.selected !== backend) { log(`  FWHT ${backend}: not available (init selected ${info.selected})`); continue; }
    if (backend === 'webgpu' && info.backends?.webgpu?.software) { log('  FWHT webgpu: software adapter, skipped'); continue; }
    const m = n;
    const x = eg.tensor(data, [m, m]), reps = backend === 'js' ? 1 : 5;
    const sumMs = await time(eg, () => eg.sum(x), reps);
    const row = { backend, shape: [m, m] };
    for (const block of [128, m]) {
      const ms = await time(eg, () => eg.quant.hadamard(x, { block }), reps);
      row[`block${block === m ? 'N' : block}Ms`] = +ms.toFixed(2);
      // a transform reads and writes the matrix once: its time against a pure read of both
      row[`block${block === m ? 'N' : block}VsBandwidth`] = +((2 * sumMs) / ms).toFixed(2);
    }
    row.readGBs = +((m * m * 4) / sumMs / 1e6).toFixed(2);
    out.fwht.push(row);
    log(`  FWHT [${m}, ${m}] ${backend}: block 128 ${row.block128Ms} ms, block ${m} ${row.blockNMs} ms; `
      + `read bandwidth ${row.readGBs} GB/s -> ${(100 * row.block128VsBandwidth).toFixed(0)}% / ${(100 * row.blockNVsBandwidth).toFixed(0)}% of the bandwidth bound (read + write)`);
    x.dispose();
  }

  // ---- GEMV on wasm: one [n, n] layer, x [1, n]
  await eg.init({ backend: 'wasm' });
  const W = eg.tensor(data, [n, n]), Wt = eg.transpose(W); // [out, in] read transposed, as nn.Linear does
  const x = eg.tensor(Float32Array.from({ length: n }, () => rnd() * 2 - 1), [1, n]);
  const reps = quick ? 5 : 15, params7B = 7e9;
  const rows = [];
  const add = async (name, weightBytes, fn) => {
    const ms = await time(eg, fn, reps);
    rows.push({ name, ms: +ms.toFixed(3), weightMB: +(weightBytes / 2 ** 20).toFixed(1), effectiveGBs: +(weightBytes / ms / 1e6).toFixed(2), tokensPerSecond7B: +((n * n) / (params7B * ms / 1000)).toFixed(2) });
  };
  await add('F32 (matmul)', bytes, () => eg.matmul(x, Wt));
  for (const type of ['Q8_0', 'Q4_0']) {
    const q = eg.quant.quantizeGGML(data, type, [n, n]);
    await add(`${type} (qmatmul)`, q.byteLength, () => eg.quant.linear(x, q));
    q.dispose();
  }
  for (const bits of [4, 2, 1]) {
    const q = eg.quant.quantize(W, { bits, granularity: 'row' });
    await add(`uniform ${bits}-bit (lut)`, q.byteLength, () => eg.quant.linear(x, q));
    q.dispose();
    const t = performance.now();
    // the kernel's speed does not depend on how well the codebooks fit: seeded codebooks, no refinement
    const c = eg.quant.codebook(data, { shape: [n, n], bits, groups: 1, codebooks: 1, iterations: 0, key: eg.random.key(bits) });
    const learnS = (performance.now() - t) / 1000;
    await add(`codebook ${bits}-bit (lut)`, c.byteLength, () => eg.quant.linear(x, c));
    rows[rows.length - 1].learnSeconds = +learnS.toFixed(1);
    c.dispose();
  }
  const f32 = rows[0].ms;
  for (const r of rows) r.speedupVsF32 = +(f32 / r.ms).toFixed(2);
  out.gemv = { shape: [n, n], rows };
  log(`  GEMV [1, ${n}] x [${n}, ${n}]ᵀ on wasm (single thread; tok/s: a 7B-parameter model at this rate)`);
  log('  weights                 ms      MB    GB/s   x F32   tok/s 7B');
  for (const r of rows) log(`  ${r.name.padEnd(22)} ${r.ms.toFixed(3).padStart(7)} ${r.weightMB.toFixed(1).padStart(6)} ${r.effectiveGBs.toFixed(2).padStart(7)} ${r.speedupVsF32.toFixed(2).padStart(7)} ${r.tokensPerSecond7B.toFixed(2).padStart(9)}`);
  eg.dispose([W, Wt, x]);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await runQuantBench({ quick: process.argv.includes('--quick') });
  const i = process.argv.indexOf('--out');
  if (i > 0) (await import('node:fs')).writeFileSync(process.argv[i + 1], JSON.stringify(r, null, 1));
}
