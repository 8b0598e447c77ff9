// Sparse / solver section of `npm run bench`: SpMV on a 2-D Poisson 1024² grid (5.2M nnz) and
// on a random matrix with 1M non-zeros, in GB/s beside eg.sum over the same number of bytes
// timed interleaved (the streaming limit SpMV can approach; bench/run.mjs also sets them
// against the bandwidth of bench/limits.mjs); then CG to rtol 1e-6 on Poisson
// 256² per backend, reported as time per iteration. Run alone: `node bench/solvers.mjs [--quick]`.
const quick = process.argv.includes('--quick');
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

function poisson(g) {
  const n = g * g, rows = new Int32Array(5 * n), cols = new Int32Array(5 * n), vals = new Float32Array(5 * n);
  let e = 0;
  const add = (i, j, v) => { rows[e] = i; cols[e] = j; vals[e] = v; e++; };
  for (let y = 0; y < g; y++) for (let x = 0; x < g; x++) {
    const i = y * g + x;
    if (y > 0) add(i, i - g, -1);
    if (x > 0) add(i, i - 1, -1);
    add(i, i, 4);
    if (x < g - 1) add(i, i + 1, -1);
    if (y < g - 1) add(i, i + g, -1);
  }
  return { n, rows: rows.subarray(0, e), cols: cols.subarray(0, e), vals: vals.subarray(0, e) };
}

/** CSR arrays straight from a row-sorted COO (no duplicates). */
function csrArrays(n, rows, cols, vals) {
  const indptr = new Int32Array(n + 1);
  for (const r of rows) indptr[r + 1]++;
  for (let i = 0; i < n; i++) indptr[i + 1] += indptr[i];
  return { indptr, indices: cols, values: vals };
}

export async function run() {
  const eg = await import('../dist/edgegrad.node.js');
  await eg.init({ backend: 'wasm' });
  const out = { spmv: {}, cg: {} };
  const cases = [];
  const P = poisson(1024);
  cases.push({ id: 'poisson1024', label: 'Poisson 1024² (5.2M nnz)', n: P.n, ...csrArrays(P.n, P.rows, P.cols, P.vals) });
  {
    const n = 1 << 17, per = 8, indptr = new Int32Array(n + 1), indices = new Int32Array(n * per), values = new Float32Array(n * per);
    let s = 12345;
    const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
    for (let i = 0; i < n; i++) {
      const row = Array.from({ length: per }, () => Math.floor(rnd() * n)).sort((a, b) => a - b);
      indices.set(row, i * per);
      for (let k = 0; k < per; k++) values[i * per + k] = rnd() - 0.5;
      indptr[i + 1] = (i + 1) * per;
    }
    cases.push({ id: 'random1M', label: 'random 131072², 1M nnz', n, indptr, indices, values });
  }
  for (const c of cases) {
    const A = eg.sparse.csr({ indptr: c.indptr, indices: c.indices, values: c.values, shape: [c.n, c.n] });
    const x = eg.random.normal(eg.random.key(1), [c.n]);
    // bytes a CSR SpMV must move at least: values + indices (8 B/nnz), indptr + y (8 B/row), x (4 B/col)
    const bytes = 8 * A.nnz + 8 * c.n + 4 * c.n;
    // the reference stream, timed interleaved with SpMV so both see the same machine load:
    // eg.sum over as many bytes (a read-only stream, the fastest way through memory)
    const ref = eg.random.normal(eg.random.key(2), [bytes / 4]);
    const ts = [], ss = [];
    const end = performance.now() + (quick ? 400 : 2000);
    A.matmul(x).dispose(); eg.sum(ref).dispose();
    while (performance.now() < end || ts.length < 5) {
      let t = performance.now(); eg.sparse.matmul(A, x).dispose(); ts.push(performance.now() - t);
      t = performance.now(); eg.sum(ref).dispose(); ss.push(performance.now() - t);
    }
    const t = median(ts), tr = median(ss);
    out.spmv[c.id] = { label: c.label, ms: +t.toFixed(3), GBs: +(bytes / t / 1e6).toFixed(1), sumGBs: +(bytes / tr / 1e6).toFixed(1), fractionOfSum: +(tr / t).toFixed(2) };
    A.dispose(); x.dispose(); ref.dispose();
  }
  const g = quick ? 128 : 256, Q = poisson(g);
  for (const backend of ['wasm', 'js', 'webgpu']) {
    let info;
    try { info = await eg.init({ backend }); } catch (e) { out.cg[backend] = { unavailable: String(e.message ?? e) }; continue; }
    if (info.selected !== backend) { out.cg[backend] = { unavailable: info.backends[backend]?.reason ?? `init selected ${info.selected}` }; continue; }
    if (backend === 'webgpu') out.cg.webgpuAdapter = info.backends.webgpu?.adapter ?? null;
    const A = eg.sparse.csr({ ...csrArrays(Q.n, Q.rows, Q.cols, Q.vals), shape: [Q.n, Q.n] });
    const b = eg.ones([Q.n]);
    const t0 = performance.now();
    // js and software-Vulkan webgpu run a fixed share of the iterations: the time per iteration is the figure
    const res = await eg.linalg.cg(A, b, { rtol: 1e-6, maxIter: backend === 'wasm' ? 10 * Q.n : backend === 'js' ? 200 : 50 });
    const ms = performance.now() - t0;
    out.cg[backend] = { grid: `${g}²`, iterations: res.iterations, converged: res.converged, msPerIteration: +(ms / res.iterations).toFixed(3), totalMs: +ms.toFixed(0) };
    A.dispose(); b.dispose(); res.x.dispose();
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await run();
  for (const [, v] of Object.entries(r.spmv)) console.log(`  SpMV ${v.label.padEnd(26)} ${v.ms} ms  ${v.GBs} GB/s = ${(v.fractionOfSum * 100).toFixed(0)}% of eg.sum over the same bytes (${v.sumGBs} GB/s, interleaved)`);
  for (const [b, v] of Object.entries(r.cg)) if (b === 'webgpuAdapter') continue; else if (v.unavailable) console.log(`  CG on ${b}: unavailable (${v.unavailable})`); else console.log(`  CG Poisson ${v.grid} on ${b}: ${v.iterations} iterations${v.converged ? '' : ' (stopped)'}, ${v.msPerIteration} ms/iteration`);
  const i = process.argv.indexOf('--out');
  if (i > 0) (await import('node:fs')).writeFileSync(process.argv[i + 1], JSON.stringify(r, null, 1));
}
