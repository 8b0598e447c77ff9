// console.log and util.inspect in Node print a tensor's dtype, shape, backend and values
// (through Symbol.for('nodejs.util.inspect.custom')): a child process prints, this one reads.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const lib = pathToFileURL(join(ROOT, 'dist/edgegrad.node.js')).href;
const seed = Number(process.env.EG_SEED ?? Math.floor(Math.random() * 2 ** 31));

test(`console.log(t), console.log({ t }) and util.inspect show the values (seed ${seed})`, () => {
  const vals = Array.from({ length: 6 }, (_, i) => ((seed >>> i) % 17) - 8);
  const script = `
    import * as eg from '${lib}';
    import { inspect } from 'node:util';
    await eg.init({ backend: 'wasm' });
    const t = eg.tensor(${JSON.stringify(vals)}, [2, 3], 'int32');
    console.log(t);
    console.log({ weights: t });
    console.log(inspect(t) === t.toString() ? 'same' : 'differs');
    const d = eg.ones([2]); d.dispose(); console.log(d);`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  const w = Math.max(...vals.map((v) => String(v).length));
  const row = (r) => vals.slice(3 * r, 3 * r + 3).map((v) => String(v).padStart(w)).join(', ');
  const body = `Tensor(int32 [2,3] on wasm)\n[[${row(0)}],\n [${row(1)}]]`;
  assert.ok(out.startsWith(`${body}\n`), `console.log printed:\n${out}`);
  assert.ok(out.includes(`weights: ${body.split('\n')[0]}`) && out.includes(`[[${row(0)}]`), `inside an object:\n${out}`);
  assert.ok(out.includes('\nsame\n'), 'util.inspect(t) is t.toString()');
  assert.ok(out.trimEnd().endsWith('Tensor(float32 [2] disposed)'), `a disposed tensor:\n${out}`);
});

test.run();
