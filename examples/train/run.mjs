// npm run train: MLP classifiers on Iris and on a synthetic 5-arm spiral, trained with every
// optimizer of eg.optim on every backend this machine offers (js, wasm, webgpu), with a
// progress line per epoch and a final comparison table.
//
//   node examples/train/run.mjs [--backend js,wasm,webgpu] [--dataset iris,spiral]
//                               [--optimizer adam,lion,...] [--epochs N] [--quiet]
//
// WebGPU in Node uses the `webgpu` package (Dawn); without a GPU it runs on SwiftShader, which
// is slow (~0.5 ms per kernel launch), so webgpu trains Iris only, with Adam, Lion and SophiaG,
// every op on the GPU, unless --dataset/--optimizer say otherwise. Each run's line says where
// its kernels ran (eg.stats()). EDGEGRAD_DIST points at another build folder (default: dist/).
import { existsSync } from 'node:fs';
import { DATASETS, OPTIMIZERS } from './config.mjs';
import { loadIris, spiral, prepare } from './data.mjs';
import { trainOne } from './train.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1] && !all[i + 1].startsWith('--') ? all[i + 1] : true]);
  return acc;
}, []));
const list = (v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : null);

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER)) process.env.VK_ICD_FILENAMES = SWIFTSHADER;
process.env.XDG_RUNTIME_DIR ??= '/tmp';

const dist = process.env.EDGEGRAD_DIST ?? new URL('../../dist/', import.meta.url).pathname;
const eg = await import(new URL('edgegrad.node.js', `file://${dist.endsWith('/') ? dist : `${dist}/`}`).href);

const datasets = {
  // a fixed stratified split: every third row of each class is held out (102 train, 48 test)
  iris: prepare(await loadIris(), { every: 3 }),
  spiral: prepare(spiral({ classes: 5, perClass: 400, noise: 0.2, seed: 7 }), { every: 5, shuffleSeed: 11 }),
};
const allOpts = Object.keys(OPTIMIZERS.iris);
const wantBackends = list(args.backend) ?? ['js', 'wasm', 'webgpu'];
const quiet = !!args.quiet;
const epochsOverride = args.epochs ? Number(args.epochs) : null;

// Dawn's GPU object is held here for the whole run: when it is garbage-collected while the
// backend still uses its device, Dawn aborts (std::system_error) or the process dies silently.
let gpu;
async function initBackend(name) {
  try {
    if (name === 'webgpu' && !gpu) {
      const { create } = await import('webgpu');
      gpu = create([]);
    }
    // webgpu: threshold 0 sends every op to the GPU; otherwise the dispatcher keeps this
    // example's small tensors on the CPU and the 'webgpu' row would measure wasm
    const info = await eg.init({ backend: name, gpu, ...(name === 'webgpu' ? { thresholds: { webgpu: 0 } } : {}) });
    if (info.selected !== name) return `init selected ${info.selected}`;
    return null;
  } catch (e) {
    return e?.message ?? String(e);
  }
}

/** The trained loss's curvature with eg.hessian: Hutchinson trace and an SLQ spectrum. */
async function curvature(params, lossFn) {
  const key = eg.random.key(3);
  const t0 = performance.now();
  const trT = eg.hessian.hutchinsonTrace(lossFn, params, { key, samples: 30 });
  const trace = await trT.item();
  trT.dispose();
  const { nodes, weights } = await eg.hessian.slq(lossFn, params, { key: eg.random.foldIn(key, 1), steps: 40, probes: 2 });
  const n = params.reduce((s, l) => s + l.W.size + l.b.size, 0);
  const mass = (lo, hi) => nodes.reduce((s, v, i) => s + (v >= lo && v < hi ? weights[i] : 0), 0);
  return `Hessian of the final training loss (${n} parameters): trace ≈ ${trace.toFixed(3)} (Hutchinson, 30 samples); ` +
    `SLQ (40 steps, 2 probes): eigenvalues in [${Math.min(...nodes).toFixed(3)}, ${Math.max(...nodes).toFixed(3)}], ${(100 * mass(-1e-3, 1e-3)).toFixed(0)}% of the spectral mass within ±1e-3 of 0 ` +
    `(${((performance.now() - t0) / 1000).toFixed(2)} s)`;
}

const fmt = (v, d = 4) => (Number.isFinite(v) ? v.toFixed(d) : String(v));
const results = [];
const tAll = performance.now();
for (const backend of wantBackends) {
  const why = await initBackend(backend);
  if (why) { console.log(`\n== ${backend}: not available (${why.split('\n')[0]}) ==`); continue; }
  const small = backend === 'webgpu';
  const dsNames = list(args.dataset) ?? (small ? ['iris'] : ['iris', 'spiral']);
  const optNames = list(args.optimizer) ?? (small ? ['adam', 'lion', 'sophiaG'] : allOpts);
  for (const ds of dsNames) {
    const data = datasets[ds];
    if (!data) throw new Error(`unknown dataset '${ds}' (have ${Object.keys(datasets).join(', ')})`);
    const cfg = DATASETS[ds];
    console.log(`\n== ${backend} / ${ds}: ${data.train.n} train, ${data.test.n} test rows, mlp [${[data.features, ...cfg.hidden, data.classes].join(', ')}] ${cfg.activation}, batch ${cfg.batch} ==`);
    for (const optimizer of optNames) {
      const options = OPTIMIZERS[ds][optimizer];
      if (!options) throw new Error(`unknown optimizer '${optimizer}' (have ${allOpts.join(', ')})`);
      const epochs = epochsOverride ?? cfg.epochs;
      eg.resetStats();
      const res = await trainOne(eg, data, {
        optimizer, options, hidden: cfg.hidden, activation: cfg.activation, batch: cfg.batch, epochs, seed: 1,
        atEnd: ds === 'iris' && optimizer === 'adam' && backend !== 'webgpu' ? curvature : undefined,
        log: (e) => {
          if (!quiet) console.log(`${backend.padEnd(6)} ${ds.padEnd(6)} ${optimizer.padEnd(8)} epoch ${String(e.epoch).padStart(3)}/${epochs}  loss ${fmt(e.loss)}  test acc ${(e.testAcc * 100).toFixed(1).padStart(5)}%  ${e.stepsPerSec.toFixed(0).padStart(5)} steps/s`);
        },
      });
      // the dispatcher keeps tiny ops on the CPU: say where the kernels actually ran
      const launches = Object.entries(eg.stats().launches).filter(([, n]) => n > 0).map(([b, n]) => `${b} ${n}`).join(', ');
      console.log(`${backend.padEnd(6)} ${ds.padEnd(6)} ${optimizer.padEnd(8)} done: loss ${fmt(res.loss)}, train acc ${(res.trainAcc * 100).toFixed(1)}%, test acc ${(res.testAcc * 100).toFixed(1)}%, ${(res.wallMs / 1000).toFixed(2)} s (${res.steps} steps; kernel launches: ${launches})`);
      if (res.extra) console.log(`${backend.padEnd(6)} ${ds.padEnd(6)} ${optimizer.padEnd(8)} ${res.extra}`);
      results.push({ backend, dataset: ds, optimizer, options, ...res, epochs: undefined, nEpochs: epochs });
    }
  }
}

// the comparison table, one per data set: optimizer rows x backend columns
for (const ds of [...new Set(results.map((r) => r.dataset))]) {
  const rows = results.filter((r) => r.dataset === ds);
  const backends = [...new Set(rows.map((r) => r.backend))];
  const opts = [...new Set(rows.map((r) => r.optimizer))];
  console.log(`\n${ds}: final train loss / test accuracy / wall time`);
  const head = ['optimizer'.padEnd(9), 'settings'.padEnd(58), ...backends.map((b) => b.padEnd(26))].join(' | ');
  console.log(head);
  console.log(head.replace(/[^|]/g, '-'));
  for (const o of opts) {
    const settings = JSON.stringify(OPTIMIZERS[ds][o]).replace(/"/g, '');
    const cells = backends.map((b) => {
      const r = rows.find((x) => x.optimizer === o && x.backend === b);
      return (r ? `${fmt(r.loss)}  ${(r.testAcc * 100).toFixed(1).padStart(5)}%  ${(r.wallMs / 1000).toFixed(2).padStart(5)} s` : '-').padEnd(26);
    });
    console.log([o.padEnd(9), settings.padEnd(58), ...cells].join(' | '));
  }
}
console.log(`\ntotal ${(performance.now() - tAll) / 1000 | 0} s; memory after: ${eg.memory().tensors} live tensors`);

// the example's promise: Adam, Lion and SophiaG reach >= 95% test accuracy on Iris
const below = results.filter((r) => r.dataset === 'iris' && ['adam', 'lion', 'sophiaG'].includes(r.optimizer) && r.testAcc < 0.95);
if (below.length) {
  console.log(`below 95% on Iris: ${below.map((r) => `${r.optimizer}/${r.backend} ${(r.testAcc * 100).toFixed(1)}%`).join(', ')}`);
  process.exitCode = 1;
}
