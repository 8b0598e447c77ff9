// What the README shows runs: every ```js block whose first line is "// README snippet: ..."
// runs here against the built library, with `eg` in scope, on the wasm backend.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';

const eg = await import('../../dist/edgegrad.node.js');
await eg.init({ backend: 'wasm' });
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const snippets = [...readme.matchAll(/```js\n(\/\/ README snippet: ([^\n(]+)[^\n]*\n[\s\S]*?)```/g)].map((m) => ({ name: m[2].trim(), code: m[1] }));
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;

test('the README has its runnable snippets', () => {
  for (const want of ['dense linear algebra', 'ODE solvers']) assert.ok(snippets.some((s) => s.name === want), `snippet "${want}" missing`);
});

for (const { name, code } of snippets) {
  test(`README snippet runs: ${name}`, async () => {
    const printed = [];
    const console = { log: (...a) => printed.push(a) };
    // the snippet's last expression values are checked below through what it printed
    await new AsyncFunction('eg', 'console', code)(eg, console);
    assert.ok(printed.length > 0, 'the snippet prints its results');
    if (name === 'dense linear algebra') {
      const [values, det, norm2] = printed[0];
      // A = [[4,2,.6],[2,5,1],[.6,1,3]]: det and spectral norm from the float64 formulas
      const a = [[4, 2, 0.6], [2, 5, 1], [0.6, 1, 3]];
      const d = a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
      assert.ok(Math.abs(det - d) < 1e-4 * d, `det ${det} vs ${d}`);
      assert.ok(values[0] < values[1] && values[1] < values[2] && Math.abs(values[2] - norm2) < 1e-5 * norm2, `eigenvalues ${values}, ‖A‖₂ ${norm2}`);
    } else {
      const [t, y, stats] = printed[0];
      assert.equal(t, [0, 5, 10]);
      assert.ok(stats.nfe > 0 && stats.accepted > 0, JSON.stringify(stats));
      // damped oscillator y'' + 0.1 y' + y = 0, y(0) = 1, y'(0) = 0: closed form at t = 10
      const w = Math.sqrt(1 - 0.0025), y10 = Math.exp(-0.5) * (Math.cos(w * 10) + 0.05 / w * Math.sin(w * 10));
      assert.ok(Math.abs(y[0] - y10) < 1e-4, `y(10) ${y[0]} vs ${y10}`);
    }
  });
}

test.run();
