// Printing: t.toString(), eg.print, and the inspect hooks console.log uses in Node/workerd
// (util.inspect.custom) and Deno (Deno.customInspect). Node's console.log itself: tests/unit/inspect.test.mjs.
import { rng, randi, assert } from './_util.js';

const NODE = Symbol.for('nodejs.util.inspect.custom');
const DENO = Symbol.for('Deno.customInspect');
// the numbers in a printed body, in order ('...' kept), for comparing with the data
const numbers = (text) => text.split('\n').slice(1).join(' ').match(/-?Infinity|NaN|\.\.\.|-?\d+(\.\d+)?(e[-+]?\d+)?/g) ?? [];

export default function (test, { eg, backend }) {
  // the layout is fixed text: checked against the string written out here
  test('toString shows dtype, shape, backend and aligned values in nested brackets', async () => {
    const t = eg.tensor([[1, 2.5, -3], [4, 5, 0.1]]);
    const on = t.device;
    const want = `Tensor(float32 [2,3] on ${on})\n[[  1, 2.5,  -3],\n [  4,   5, 0.1]]`;
    if (on === 'webgpu') assert(t.toString().endsWith('[values on webgpu: await t.array()]'), t.toString());
    else assert(t.toString() === want, `got\n${t.toString()}\nwant\n${want}`);
    const s = eg.tensor(Int32Array.of(7, -8, 9, 10, 11, 12, 13, 14), [2, 2, 2]);
    if (s.device !== 'webgpu') {
      const w = `Tensor(int32 [2,2,2] on ${s.device})\n[[[ 7, -8],\n  [ 9, 10]],\n\n [[11, 12],\n  [13, 14]]]`;
      assert(s.toString() === w, `rank 3:\n${s.toString()}\nwant\n${w}`);
      assert(eg.tensor(3).toString() === `Tensor(float32 [] on ${s.device})\n3`, eg.tensor(3).toString());
      assert(eg.zeros([0, 3]).toString() === `Tensor(float32 [0,3] on ${s.device})\n[]`, eg.zeros([0, 3]).toString());
      const odd = eg.tensor([NaN, Infinity, -Infinity, 1e-7, 3e9]).toString();
      assert(numbers(odd).join(' ') === 'NaN Infinity -Infinity 1e-7 3e+9', odd);
      assert(eg.tensor([true, false]).toString().endsWith('[1, 0]'), eg.tensor([true, false]).toString());
    }
  });

  test('printed values are the data, in order, on random shapes', async () => {
    const r = rng(301);
    for (let k = 0; k < 8; k++) {
      const shape = Array.from({ length: r.int(0, 5) }, () => r.int(1, 5));
      const data = randi(r, shape, -50, 50);
      const t = eg.tensor(data, shape);
      if (t.device === 'webgpu') continue; // small tensors stay on the CPU; the GPU case is tested below
      const got = numbers(t.toString());
      assert(got.join(' ') === Array.from(data).join(' '), `[${shape}]: printed ${got.join(' ')} for ${Array.from(data).join(' ')}\n${t}`);
      const opens = t.toString().split('\n').slice(1).join('').match(/^\[*/)[0].length;
      assert(opens === shape.length, `[${shape}] opens with ${opens} brackets:\n${t}`);
    }
  });

  test('big tensors elide the middle of each long axis, NumPy-style', async () => {
    const n = 40;
    const t = eg.arange(n * n).reshape([n, n]);
    const text = t.toString();
    if (t.device === 'webgpu') { assert(text.endsWith('[values on webgpu: await t.array()]'), text); return; }
    const edge = [0, 1, 2, n - 3, n - 2, n - 1];
    const want = [];
    for (const [i, row] of edge.entries()) {
      if (i === 3) want.push('...');
      for (const [j, col] of edge.entries()) { if (j === 3) want.push('...'); want.push(String(row * n + col)); }
    }
    assert(numbers(text).join(' ') === want.join(' '), `elided body:\n${text}`);
    assert(text.split('\n').length === 1 + 7, `7 printed rows:\n${text}`);
    assert(text.split('\n')[1] === '[[   0,    1,    2, ...,   37,   38,   39],', text.split('\n')[1]);
  });

  test('GPU tensors say how to read them; disposed tensors print without throwing', async () => {
    if (backend === 'webgpu') {
      const g = eg.ones([64, 64]).add(1);
      assert(g.device === 'webgpu', `a 64x64 result is on ${g.device}`);
      assert(g.toString() === 'Tensor(float32 [64,64] on webgpu)\n[values on webgpu: await t.array()]', g.toString());
      g.dispose();
    }
    const t = eg.tensor([1, 2]);
    t.dispose();
    assert(t.toString() === 'Tensor(float32 [2] disposed)', t.toString());
  });

  test('console hooks: util.inspect.custom and Deno.customInspect give toString', async () => {
    const t = eg.tensor([[1, 2], [3, 4]]);
    assert(typeof t[NODE] === 'function' && t[NODE]() === t.toString(), 'nodejs.util.inspect.custom');
    assert(typeof t[DENO] === 'function' && t[DENO]() === t.toString(), 'Deno.customInspect');
    const g = globalThis;
    if (g.Deno?.inspect) assert(g.Deno.inspect(t) === t.toString(), `Deno.inspect:\n${g.Deno.inspect(t)}`);
    const seen = [], log = console.log;
    console.log = (...a) => seen.push(a.join(' '));
    try { eg.print(t, 'and', 2); } finally { console.log = log; }
    assert(seen.length === 1 && seen[0] === `${t} and 2`, `eg.print wrote ${JSON.stringify(seen)}`);
  });
}
