// The shipped type declarations (dist/types) as a strict consumer sees them: a project with
// lib ["es2022", "dom"], no @webgpu/types or Node types, skipLibCheck false and `using`,
// compiling tests/types/consumer.ts against the package through its `exports` (types condition).
// The consumer file's @ts-expect-error lines prove that typos in parameter trees, internals and
// wrong dtypes are compile errors (tsc fails on an expect-error that is not an error).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');

function project(files, lib = ['es2022', 'dom']) {
  const dir = mkdtempSync(join(tmpdir(), 'eg-types-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules/edgegrad'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      strict: true, skipLibCheck: false, lib, types: [], target: 'es2022',
      module: 'nodenext', moduleResolution: 'nodenext', noEmit: true, exactOptionalPropertyTypes: true,
    },
    files: Object.keys(files),
  }));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function compile(dir) {
  try { execFileSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8', stdio: 'pipe' }); return { ok: true, out: '' }; }
  catch (e) { return { ok: false, out: `${e.stdout}${e.stderr}` }; }
}

test('dist/types compile in a strict es2022+dom project; typed trees and internals as tests/types/consumer.ts expects', () => {
  assert.ok(existsSync(join(ROOT, 'dist/types/ts/index.d.ts')), 'dist/types is missing: run npm run build');
  const dir = project({ 'consumer.ts': '' });
  try {
    cpSync(join(ROOT, 'tests/types/consumer.ts'), join(dir, 'consumer.ts'));
    const r = compile(dir);
    assert.ok(r.ok, `tsc reported:\n${r.out}`);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('with lib esnext, `using` disposes tensors and optimizers (the shipped Symbol.dispose merges with the lib)', () => {
  const src = [
    "import * as eg from 'edgegrad';",
    'await eg.init();',
    '{ using t = eg.ones([2]); using opt = eg.optim.adam({ t }); t.shape; opt.stepCount; }',
    '// @ts-expect-error the check can fail: a typo in a gradient key',
    'eg.grad((q: { w: eg.Tensor }) => q.w.sum())({ w: eg.zeros([2]) }).ww;',
  ].join('\n');
  const dir = project({ 'next.ts': src }, ['esnext', 'dom']);
  try {
    const r = compile(dir);
    assert.ok(r.ok, `tsc reported:\n${r.out}`);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test.run();
