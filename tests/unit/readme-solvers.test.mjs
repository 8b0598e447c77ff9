// The README's sparse / solver / implicit snippets (blocks after a `<!-- readme-test -->`
// line) run against the build, unchanged, on the wasm backend; each must finish without error.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';

const eg = await import('../../build/tsc/runtime/entry/node.js');
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/<!-- readme-test -->\n```js\n([\s\S]*?)```/g)].map((m) => m[1]);

test('the README has its solver snippets', () => { assert.ok(blocks.length >= 3, `found ${blocks.length}`); });

blocks.forEach((code, i) => {
  test(`README snippet ${i + 1} runs`, async () => {
    await eg.init({ backend: 'wasm', wasm: new URL('../../build/edgegrad.wasm', import.meta.url) });
    const logs = [];
    const log = (...a) => logs.push(a);
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
    await new AsyncFunction('eg', 'console', code)(eg, { log });
    assert.ok(logs.length > 0, 'the snippet printed its result');
    // what the comments in the snippets promise
    if (i === 0) {
      const [nnz, y, g] = logs[0];
      assert.is(nnz, 4);
      assert.equal(Array.from(y), [3, 3, 12]);
      assert.equal(Array.from(g), [1, 2, 3, 3]);
    }
    if (i === 1) { assert.is(logs[0][1], true); assert.equal(logs[0][3], [0, 2, 1]); }
  });
});

test.run();
