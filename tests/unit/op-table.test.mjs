// runtime/ops-table.ts is the one list of ops. This proves the build's coverage check
// (scripts/op-codes.mjs) fails when an op is added to the table and one backend lacks it,
// naming that backend's file, and passes once every backend has it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { loadTable, coverage, generate } from '../../scripts/op-codes.mjs';

const root = new URL('../../', import.meta.url);
const read = (f) => readFileSync(new URL(f, root), 'utf8');
const table = await loadTable();

// A new unary op 'cube' (float only), added to the table's source text as a user would.
const tableWithCube = await loadTable(read('runtime/ops-table.ts').replace('  step: { int: false },', '  step: { int: false },\n  cube: { int: false },'));

// What adding its kernel to each backend looks like in each file.
const withCube = {
  'assembly/unary.ts': (s) => s
    .replace('    case UNARY_STEP: return', '    case UNARY_CUBE: return f32x4.mul(x, f32x4.mul(x, x));\n    case UNARY_STEP: return')
    .replace('    case UNARY_STEP: f_step', '    case UNARY_CUBE: f_cube(x, out, n); break;\n    case UNARY_STEP: f_step'),
  'runtime/backends/js/unary.ts': (s) => s.replace('square: (x) => x * x,', 'square: (x) => x * x, cube: (x) => x * x * x,'),
  'runtime/backends/webgpu/unary.ts': (s) => s.replace("  square: 'return x * x;',", "  square: 'return x * x;',\n  cube: 'return x * x * x;',"),
};

test('the shipped table is covered by every backend', () => {
  assert.equal(coverage(table), []);
  assert.ok(Object.keys(table.UNARY_OPS).length >= 16);
});

test('the generated AssemblyScript codes follow the table order', () => {
  const out = generate(table);
  Object.keys(table.UNARY_OPS).forEach((n, i) => assert.ok(out.includes(`: i32 = ${i};`), n));
  assert.match(out, /UNARY_RECIPROCAL: i32 = 14;/);
  assert.match(out, /BINARY_FIRST_COMPARE: i32 = 7;/);
});

test('an op in the table and in every backend passes', () => {
  for (const [f, edit] of Object.entries(withCube)) assert.ok(edit(read(f)) !== read(f), `the edit applies to ${f}`);
  const src = (f) => (withCube[f] ? withCube[f](read(f)) : read(f));
  assert.equal(coverage(tableWithCube, src), []);
});

for (const missing of Object.keys(withCube)) {
  test(`an op in the table but not in ${missing} fails, naming that file`, () => {
    const src = (f) => (withCube[f] && f !== missing ? withCube[f](read(f)) : read(f));
    const problems = coverage(tableWithCube, src);
    assert.ok(problems.length >= 1, 'a problem is reported');
    assert.ok(problems.every((p) => p.startsWith(`${missing}:`) && p.includes("'cube'")), problems.join('\n'));
  });
}

test('the AssemblyScript dispatch without the body (or the reverse) is caught too', () => {
  const half = (s) => s.replace('    case UNARY_STEP: f_step', '    case UNARY_CUBE: f_cube(x, out, n); break;\n    case UNARY_STEP: f_step');
  const src = (f) => (f === 'assembly/unary.ts' ? half(read(f)) : withCube[f] ? withCube[f](read(f)) : read(f));
  assert.match(coverage(tableWithCube, src).join('\n'), /assembly\/unary\.ts: 1 of 2 `case UNARY_CUBE:`/);
});

test.run();
