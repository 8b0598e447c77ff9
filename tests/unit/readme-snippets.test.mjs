// The README's dense linear algebra and ODE snippets, as written, each in a fresh Node process:
// they must exit 0 and print values that match closed forms.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readmeBlocks, runBlock, numbersIn } from './readme.mjs';

test('dense linear algebra: eigenvalues, det and ‖A‖₂ of a fixed SPD matrix', async () => {
  const [{ code }] = readmeBlocks('Dense linear algebra', { lang: 'js' });
  const { ok, out, log } = await runBlock('dense', code);
  assert.ok(ok, log);
  const [l0, l1, l2, det, norm2] = numbersIn(out);
  const a = [[4, 2, 0.6], [2, 5, 1], [0.6, 1, 3]];
  const d = a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
  assert.ok(Math.abs(det - d) < 1e-4 * d, `det ${det} vs ${d}`);
  assert.ok(l0 < l1 && l1 < l2 && Math.abs(l2 - norm2) < 1e-5 * norm2, `eigenvalues ${[l0, l1, l2]}, ‖A‖₂ ${norm2}`);
  assert.ok(Math.abs(l0 * l1 * l2 - d) < 1e-4 * d, 'the eigenvalues multiply to det');
});

test('ODE solvers: saveAt times, the damped oscillator at t = 10, solver stats', async () => {
  const [{ code }] = readmeBlocks('ODE solvers', { lang: 'js' });
  const { ok, out, log } = await runBlock('ode', code);
  assert.ok(ok, log);
  const [t0, t1, t2, y0, , nfe, accepted] = numbersIn(out);
  assert.equal([t0, t1, t2], [0, 5, 10]);
  assert.ok(nfe > 0 && accepted > 0, out);
  // y'' + 0.1 y' + y = 0, y(0) = 1, y'(0) = 0: closed form at t = 10
  const w = Math.sqrt(1 - 0.0025), y10 = Math.exp(-0.5) * (Math.cos(w * 10) + 0.05 / w * Math.sin(w * 10));
  assert.ok(Math.abs(y0 - y10) < 1e-4, `y(10) ${y0} vs ${y10}`);
});

test.run();
