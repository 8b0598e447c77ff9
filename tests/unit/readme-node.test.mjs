// The README's Node WebGPU snippet, taken from README.md as written, run in 20 child processes
// (Dawn on SwiftShader): each must print `webgpu` and the softmax of [1, 2, 3], and exit 0.
// Dawn aborted the process (futex error, segfault) when the GPU object given to init() was
// collected; that happened at exit or later, so the exit code is what this test checks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runChild, vulkanEnv, SWIFTSHADER_ICD } from '../runners/common.mjs';

const RUNS = 20;
const PARALLEL = 4;

/** The first ```js block of the README's **Node** paragraph under "Per-runtime setup". */
function nodeSnippet() {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Per-runtime setup'));
  const node = section.slice(section.indexOf('**Node**'));
  const m = /```js\n([\s\S]*?)```/.exec(node);
  assert.ok(m, 'README: no ```js block after **Node** in "Per-runtime setup"');
  return m[1];
}

test('README Node WebGPU snippet: 20 runs print the result and exit 0', async () => {
  const code = nodeSnippet();
  assert.match(code, /from 'webgpu'/, 'the snippet is the WebGPU one');
  assert.match(code, /create\(\[\]\)/, 'it passes create([]) to init');
  // Inside the package, so `import 'edgegrad'` resolves through package.json's exports (self-reference).
  const dir = join(ROOT, 'build', 'readme');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'node-webgpu.mjs');
  writeFileSync(file, code);
  const want = [1, 2, 3].map((v) => Math.exp(v - 3));
  const sum = want.reduce((a, b) => a + b, 0);
  const env = vulkanEnv(SWIFTSHADER_ICD);
  const results = [];
  let next = 0;
  const worker = async () => {
    while (next < RUNS) {
      const i = next++;
      const r = await runChild(process.execPath, [file], { env, timeoutMs: 60e3, onLine: () => {} });
      results[i] = r;
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  for (let i = 0; i < RUNS; i++) {
    const r = results[i];
    const out = r.tail.join('\n');
    assert.ok(!r.timedOut && r.code === 0, `run ${i + 1}: exit ${r.code ?? r.signal}${r.timedOut ? ' (timed out)' : ''}\n${out}`);
    const m = /^webgpu \[ \[ ([^\]]+) \] \]$/m.exec(out);
    assert.ok(m, `run ${i + 1}: printed no "webgpu [ [ ... ] ]" line:\n${out}`);
    const got = m[1].split(',').map(Number);
    assert.is(got.length, 3, `run ${i + 1}: ${m[0]}`);
    got.forEach((g, j) => assert.ok(Math.abs(g - want[j] / sum) <= 1e-6, `run ${i + 1}: [${j}] ${g} vs ${want[j] / sum}`));
  }
});

test.run();
