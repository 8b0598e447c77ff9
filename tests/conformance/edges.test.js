// 0-d and 0-sized tensors: where the fuzzer found backends disagreeing (issue 6). A 0-d tensor
// has no axes, so naming axis 0 is an error on every backend, as NumPy's AxisError.
import { rng, assert, assertEqual, assertShape, expectThrows } from './_util.js';

export default function (test, { eg }) {
  test('a 0-d tensor has no axis 0: every axis-taking op says so', async () => {
    const v = rng(401).uniform(-3, 3);
    const x = eg.tensor(v);
    const calls = {
      sum: () => eg.sum(x, 0), mean: () => eg.mean(x, 0, true), max: () => eg.max(x, 0), min: () => eg.min(x, -1),
      argmax: () => eg.argmax(x, 0), argmin: () => eg.argmin(x, 0), softmax: () => eg.softmax(x, 0),
      logSoftmax: () => eg.logSoftmax(x, 0), logSumExp: () => eg.logSumExp(x, 0), concat: () => eg.concat([x, x], 0),
      gather: () => eg.gather(x, [0], 0), squeeze: () => eg.squeeze(x, 0),
    };
    for (const [op, f] of Object.entries(calls))
      await expectThrows(f, new RegExp(`^${op}: axis -?\\d is out of range for rank 0\\. A 0-d tensor has no axes`), `${op} of a 0-d tensor over axis 0`);
    // without an axis they reduce over all (no) axes and give the value back
    for (const op of ['sum', 'mean', 'max', 'min']) {
      const y = eg[op](x);
      assertShape(y, [], `${op}()`);
      assert(Math.abs((await y.data())[0] - Math.fround(v)) <= 1e-6, `${op}() of a 0-d tensor is the value ${v}`);
    }
    assertEqual(await eg.argmax(x).data(), [0], 'argmax()');
    assertShape(eg.expandDims(x, 0), [1], 'expandDims adds the axis');
    assertShape(eg.stack([x, x], 0), [2], 'stack of 0-d tensors');
  });

  test('0-sized tensors: reductions, layout and errors', async () => {
    const e = eg.zeros([2, 0, 3]);
    assertEqual(await eg.sum(e, 1).data(), [0, 0, 0, 0, 0, 0], 'sum over the empty axis is 0');
    assertShape(eg.sum(e, 2), [2, 0], 'sum over a non-empty axis of an empty tensor');
    assert(Number.isNaN((await eg.mean(e).data())[0]), 'mean of nothing is NaN (NumPy)');
    await expectThrows(() => eg.max(e, 1), /^max: cannot reduce an empty axis/, 'max over an empty axis');
    await expectThrows(() => eg.gather(eg.zeros([0]), eg.tensor(Int32Array.of(0), []), 0), /^gather: axis 0 of \[0\] is empty/, 'gather from an empty axis');
    assertShape(eg.concat([e, eg.ones([2, 2, 3])], 1), [2, 2, 3], 'concat with an empty piece');
    assertShape(eg.transpose(e), [3, 0, 2], 'transpose of an empty tensor');
  });
}
