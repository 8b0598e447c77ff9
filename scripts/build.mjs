// npm run build: AssemblyScript -> build/*.wasm, WGSL -> inlined TS module, tsc -> build/tsc,
// rollup -> dist/ (one entry per export condition) + the .wasm files + type declarations.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { transformSync } from 'esbuild';

const bin = (name) => new URL(`../node_modules/.bin/${name}`, import.meta.url).pathname;
const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });
const step = (name, fn) => { const t = performance.now(); fn(); console.log(`build: ${name} ${(performance.now() - t).toFixed(0)} ms`); };

const only = process.argv[2];
if (!only || only === 'wasm' || only === 'codes') step('op codes', () => run('node', ['scripts/op-codes.mjs']));
if (!only || only === 'wasm') step('wasm', () => {
  run(bin('asc'), ['assembly/index.ts', '--config', 'asconfig.json', '--target', 'simd', '--bindings', 'raw']);
  run('node', ['scripts/wasm-exports.mjs']);
  run(bin('asc'), ['assembly/index.ts', '--config', 'asconfig.json', '--target', 'relaxed']);
  // shared imported memory + atomics, for the worker pool (runtime/threads/)
  run(bin('asc'), ['assembly/index.ts', '--config', 'asconfig.json', '--target', 'threads']);
  run(bin('asc'), ['assembly/index.ts', '--config', 'asconfig.json', '--target', 'threads-relaxed']);
});
if (!only || only === 'shaders') step('shaders', () => run('node', ['scripts/inline-shaders.mjs']));
if (!only || only === 'ts') step('tsc', () => { rmSync('build/tsc', { recursive: true, force: true }); run(bin('tsc'), ['-p', 'tsconfig.json']); });
if (!only || only === 'bundle') step('rollup', () => {
  rmSync('dist', { recursive: true, force: true });
  run(bin('rollup'), ['-c', '--silent']);
  mkdirSync('dist', { recursive: true });
  // Six bundles of the whole library must fit the 1 MB packed budget (tests/unit/package.test.mjs):
  // comments and whitespace go, names stay (stack traces and debugging keep reading well).
  for (const f of readdirSync('dist').filter((n) => n.endsWith('.js'))) {
    const code = readFileSync(`dist/${f}`, 'utf8');
    writeFileSync(`dist/${f}`, transformSync(code, { format: 'esm', minifyWhitespace: true, minifySyntax: true, legalComments: 'none', target: 'es2022' }).code);
  }
  for (const f of ['edgegrad.wasm', 'edgegrad.relaxed.wasm', 'edgegrad.threads.wasm', 'edgegrad.threads.relaxed.wasm']) if (existsSync(`build/${f}`)) cpSync(`build/${f}`, `dist/${f}`);
  cpSync('build/tsc/ts', 'dist/types/ts', { recursive: true, filter: (s) => !s.endsWith('.js') });
  cpSync('build/tsc/runtime', 'dist/types/runtime', { recursive: true, filter: (s) => !s.endsWith('.js') });
});
