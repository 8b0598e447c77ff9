// The README's "Run a model at the edge" snippets, taken from README.md as written and run in
// child processes next to a model.gguf this test writes (a tiny random llama, Q8_0 weights).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { ROOT } from '../runners/common.mjs';
import { rng } from '../conformance/_util.js';
import { tinyLlama, writeTiny } from '../conformance/_llama.js';

const eg = await import('../../build/tsc/runtime/entry/node.js');

function snippets() {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## Run a model at the edge');
  assert.ok(start >= 0, 'README has a "Run a model at the edge" section');
  // up to the next section or subsection (the serving subsection's blocks are serve.test.mjs's)
  const ends = ['\n## ', '\n### '].map((h) => readme.indexOf(h, start + 10)).filter((i) => i > 0);
  const section = readme.slice(start, Math.min(...ends));
  return [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
}

test('README "Run a model at the edge" snippets run and print what they say', async () => {
  const blocks = snippets();
  assert.is(blocks.length, 2, 'two snippets');
  // inside the package, so `import 'edgegrad'` resolves through package.json's exports
  const dir = join(ROOT, 'build', 'readme-llm');
  mkdirSync(dir, { recursive: true });
  await eg.init({ backend: 'js' });
  writeFileSync(join(dir, 'model.gguf'), await writeTiny(eg, tinyLlama(rng(1), { dim: 256, ffn: 256, layers: 1 }), 'Q8_0'));
  const run = (file) => new Promise((resolve) => execFile(process.execPath, [file], { cwd: dir, timeout: 120e3 }, (err, stdout, stderr) => resolve({ err, out: stdout, errOut: stderr })));
  const outs = [];
  for (const [i, code] of blocks.entries()) {
    const file = join(dir, `snippet-${i}.mjs`);
    writeFileSync(file, code);
    const { err, out, errOut } = await run(file);
    assert.ok(!err, `snippet ${i + 1} failed: ${err?.message}\n${out}${errOut}`);
    outs.push(out.trim());
  }
  const m = /^\[ (\d+), 320 \] (\d+) ".*" \[ 256 \]$/s.exec(outs[0]);
  assert.ok(m && Number(m[2]) === Number(m[1]) + 1, `first snippet printed ${outs[0]} (logits [ids, vocab], cache = ids + 1)`);
  assert.match(outs[1], /^Q8_0 \[ 2, 256 \] true true$/, `second snippet printed ${outs[1]}`);
});

test.run();
