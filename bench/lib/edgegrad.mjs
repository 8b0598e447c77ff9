// edgegrad wrapped in the benchmark's adapter shape (see peers.mjs). One adapter per backend.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const keepAlive = {};

// bench/run.mjs points EG_BENCH_DIST at its snapshot of dist/ so all its processes load one build.
export const distFile = process.env.EG_BENCH_DIST || fileURLToPath(new URL('../../dist/edgegrad.node.js', import.meta.url));

/** Load edgegrad: the built bundle, or with stub=true a plain-JS stand-in (harness testing only). */
export async function loadEdgegrad({ stub = false } = {}) {
  if (stub) return import('./stub-edgegrad.mjs');
  if (!existsSync(distFile)) throw new Error(`${distFile} not built (run npm run build, or pass --stub)`);
  return import(pathToFileURL(distFile).href);
}

/**
 * @param {'wasm'|'js'|'webgpu'} backend
 * @param {{ stub?: boolean, label?: string }} opts
 */
export async function createEdgegrad(backend, opts = {}) {
  const eg = await loadEdgegrad(opts);
  const initOpts = { backend };
  if (backend === 'webgpu') {
    const { create } = await import('webgpu');
    // Keep the GPU object reachable for the life of the process: if it is garbage-collected,
    // Dawn tears its instance down under the live device and the process aborts.
    keepAlive.gpu ??= create([]);
    initOpts.gpu = keepAlive.gpu;
    initOpts.thresholds = { webgpu: 0 }; // every op on the GPU, however small
  }
  const report = await eg.init(initOpts);
  const selected = eg.backend?.() ?? report?.selected;
  if (selected !== backend) {
    const why = report?.backends?.[backend]?.reason ?? 'not selected';
    throw new Error(`edgegrad: asked for backend '${backend}', got '${selected}' (${why})`);
  }
  const info = { backend: selected, stub: !!opts.stub, ...(report?.backends?.[backend] ?? {}) };
  if (backend === 'webgpu') info.note = 'software Vulkan (SwiftShader) unless a real GPU is present; not judged';
  const ops = {
    matmul: (x, [, b]) => eg.matmul(x, b),
    add: (x, [, b]) => eg.add(x, b),
    softmax: (x) => eg.softmax(x, -1),
    sum: (x) => eg.sum(x),
  };
  return {
    name: opts.label ?? `edgegrad-${backend}`, info,
    setup(c, inputs) {
      // init() again would switch the global backend: every edgegrad adapter lives in its own process.
      const ts = inputs.map((d, i) => eg.tensor(d, c.shapes[i]));
      const op = ops[c.op];
      return {
        async run() { const y = op(ts[0], ts); const d = await y.data(); y.dispose(); return d; },
        async chain(k) {
          let y = op(ts[0], ts);
          for (let i = 1; i < k; i++) {
            const z = op(c.op === 'sum' ? ts[0] : y, ts); // sum: k independent reductions
            y.dispose(); y = z;
          }
          const d = await y.data(); y.dispose(); return d;
        },
        dispose() { ts.forEach((t) => t.dispose()); },
        stats: () => eg.stats?.(),
      };
    },
  };
}
