// The README's sparse / solver / implicit snippets, as written, each in a fresh Node process:
// they must exit 0 and print what their comments promise.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readmeBlocks, runBlock, numbersIn } from './readme.mjs';

const blocks = readmeBlocks('Sparse matrices', { lang: 'js' });

test('the README has its three solver snippets', () => { assert.is(blocks.length, 3); });

test('sparse: nnz after summing duplicates, A·x, d/dvalues, transpose', async () => {
  const { ok, out, log } = await runBlock('sparse', blocks[0].code);
  assert.ok(ok, log);
  assert.equal(numbersIn(out.trim()), [4, 3, 3, 12, 1, 2, 3, 3, 3, 3], out);
});

test('Krylov: Jacobi-PCG converges, solveSequence orders by similarity', async () => {
  const { ok, out, log } = await runBlock('krylov', blocks[1].code);
  assert.ok(ok, log);
  const m = /^(\d+) true (\d+) \[ 0, 2, 1 \] \[ (\d+), (\d+), (\d+) \]$/.exec(out.trim());
  assert.ok(m, `printed ${out}`);
  // a 64-unknown SPD system: CG needs at most n products; gmres (restart 10) and the sequence some
  assert.ok(+m[1] > 0 && +m[1] <= 64 && +m[2] > 0, out);
});

test('implicit: dL/dλ of a ridge root and a fixed-point layer gradient', async () => {
  const { ok, out, log } = await runBlock('implicit', blocks[2].code);
  assert.ok(ok, log);
  const v = numbersIn(out.trim());
  assert.is(v.length, 5, out);
  // d‖w*(λ)‖²/dλ = −2 wᵀ(XᵀX + λI)⁻¹w < 0 for any w
  assert.ok(v[0] < 0, `dL/dλ = ${v[0]} should be negative`);
  // the layer x = 0.1·M·x + b: d Σx / db = 1ᵀ(I − 0.1·M)⁻¹, with M = X[:4, :4] from the same key
  const eg = await import('../../dist/edgegrad.node.js');
  await eg.init({ backend: 'js' });
  const M = await eg.random.normal(eg.random.key(1), [30, 4]).slice([0, 0], [4, 4]).data();
  // solve (I − 0.1·M)ᵀ g = 1 by Gauss–Jordan in float64
  const A = [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => (i === j ? 1 : 0) - 0.1 * M[j * 4 + i]).concat(1));
  for (let k = 0; k < 4; k++) {
    const p = A[k][k];
    for (let j = 0; j < 5; j++) A[k][j] /= p;
    for (let i = 0; i < 4; i++) if (i !== k) { const f = A[i][k]; for (let j = 0; j < 5; j++) A[i][j] -= f * A[k][j]; }
  }
  const want = A.map((r) => r[4]);
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(v[1 + i] - want[i]) < 1e-3 * (1 + Math.abs(want[i])), `layer gradient ${v.slice(1)} vs ${want}`);
});

test.run();
