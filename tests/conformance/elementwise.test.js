import { rng, randn, randu, randi, tol, assert, assertClose, assertEqual, assertShape, expectThrows, broadcastMap, sizeOf } from './_util.js';

const f32 = Math.fround;
const BINARY = {
  add: (a, b) => a + b, sub: (a, b) => a - b, mul: (a, b) => a * b, div: (a, b) => a / b,
  maximum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)),
  minimum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b)),
};
const COMPARE = {
  equal: (a, b) => +(a === b), notEqual: (a, b) => +(a !== b), less: (a, b) => +(a < b),
  lessEqual: (a, b) => +(a <= b), greater: (a, b) => +(a > b), greaterEqual: (a, b) => +(a >= b),
};
const SHAPES = [
  [[7], [7]], [[3, 4], [4]], [[2, 1, 5], [3, 1]], [[1], [7, 3]], [[4, 3, 2], [4, 1, 2]],
  [[33, 65], [33, 1]], [[130, 17], [130, 17]], [[], [5]], [[2, 3, 4, 5], [1, 3, 1, 5]], [[1, 1, 6], [5, 1, 1]],
];
const SQ = Math.sqrt(2 / Math.PI);
const UNARY = {
  neg: [(x) => -x, -3, 3], abs: [Math.abs, -3, 3], sign: [Math.sign, -3, 3], exp: [Math.exp, -10, 10],
  log: [Math.log, 1e-3, 100], sqrt: [Math.sqrt, 0, 100], rsqrt: [(x) => 1 / Math.sqrt(x), 1e-2, 100],
  tanh: [Math.tanh, -6, 6], sigmoid: [(x) => 1 / (1 + Math.exp(-x)), -20, 20], relu: [(x) => Math.max(0, x), -3, 3],
  gelu: [(x) => 0.5 * x * (1 + Math.tanh(SQ * (x + 0.044715 * x ** 3))), -6, 6], sin: [Math.sin, -10, 10], cos: [Math.cos, -10, 10],
  square: [(x) => x * x, -5, 5], reciprocal: [(x) => 1 / x, 0.1, 10],
  step: [(x) => (x > 0 ? 1 : 0), -3, 3],
};
// The op lists come from the library's own table (eg.opTable): an op added there without an
// oracle here fails, instead of going untested.
const oracle = (table, name, kind) => {
  if (!table[name]) throw new Error(`${kind} op '${name}' of eg.opTable has no float64 oracle in elementwise.test.js`);
  return table[name];
};
const TRANSCENDENTAL = new Set(['exp', 'log', 'sqrt', 'rsqrt', 'tanh', 'sigmoid', 'gelu', 'sin', 'cos']);

export default function (test, { eg, backend }) {
  test('binary float32 ops with broadcasting match float64', async () => {
    const r = rng(1);
    for (const [sa, sb] of SHAPES) {
      const a = randn(r, sa), b = randn(r, sb);
      if (sizeOf(sb)) b[0] = 0.75; // keep divisors away from 0 where it matters less
      for (const name of Object.keys(eg.opTable.binary).filter((n) => !eg.opTable.binary[n].compare && n !== 'pow')) {
        const f = oracle(BINARY, name, 'binary');
        const bb = name === 'div' ? b.map((v) => (Math.abs(v) < 0.05 ? 0.5 : v)) : b;
        const out = eg[name](eg.tensor(a, sa), eg.tensor(bb, sb));
        const want = broadcastMap([{ data: a, shape: sa }, { data: bb, shape: sb }], f);
        assertShape(out, want.shape, `${name} ${JSON.stringify([sa, sb])}`);
        assert(out.dtype === 'float32', `${name} dtype ${out.dtype}`);
        assertClose(await out.data(), want.data, tol('elementwise', backend), `${name} ${JSON.stringify([sa, sb])}`);
      }
    }
  });

  test('pow matches float64 on positive bases and integer exponents', async () => {
    const r = rng(2);
    const a = randu(r, [6, 9], 0.1, 3), b = randu(r, [9], -2, 2);
    assertClose(await eg.pow(eg.tensor(a, [6, 9]), eg.tensor(b, [9])).data(), broadcastMap([{ data: a, shape: [6, 9] }, { data: b, shape: [9] }], Math.pow).data, tol('transcendental', backend), 'pow');
    const neg = randu(r, [20], -3, 3);
    assertClose(await eg.pow(eg.tensor(neg), 3).data(), neg.map((v) => f32(v) ** 3), tol('transcendental', backend), 'pow(x, 3) with negative x');
    assertClose(await eg.pow(eg.tensor(neg), 2).data(), neg.map((v) => f32(v) ** 2), tol('transcendental', backend), 'pow(x, 2) with negative x');
  });

  test('comparisons write uint8 0/1 with broadcasting', async () => {
    const r = rng(3);
    for (const [sa, sb] of SHAPES) {
      const a = randi(r, sa, -3, 4).map((v) => v), b = randi(r, sb, -3, 4);
      const af = Float32Array.from(a), bf = Float32Array.from(b);
      for (const name of Object.keys(eg.opTable.binary).filter((n) => eg.opTable.binary[n].compare)) {
        const f = oracle(COMPARE, name, 'comparison');
        const out = eg[name](eg.tensor(af, sa), eg.tensor(bf, sb));
        assert(out.dtype === 'uint8', `${name} dtype ${out.dtype}`);
        const want = broadcastMap([{ data: af, shape: sa }, { data: bf, shape: sb }], f);
        assertEqual(await out.data(), want.data, `${name} f32 ${JSON.stringify([sa, sb])}`);
        const oi = eg[name](eg.tensor(Int32Array.from(a), sa), eg.tensor(Int32Array.from(b), sb));
        assertEqual(await oi.data(), want.data, `${name} i32 ${JSON.stringify([sa, sb])}`);
      }
    }
  });

  test('int32 arithmetic is exact and stays int32; div is true division', async () => {
    const r = rng(4);
    const a = randi(r, [5, 7], -1000, 1000), b = randi(r, [7], 1, 50);
    const A = eg.tensor(a, [5, 7]), B = eg.tensor(b, [7]);
    const ops = { add: (x, y) => x + y, sub: (x, y) => x - y, mul: (x, y) => x * y, maximum: Math.max, minimum: Math.min };
    for (const [name, f] of Object.entries(ops)) {
      const out = eg[name](A, B);
      assert(out.dtype === 'int32', `${name} int dtype ${out.dtype}`);
      assertEqual(await out.data(), broadcastMap([{ data: a, shape: [5, 7] }, { data: b, shape: [7] }], f).data, `${name} int32`);
    }
    // int32 pow wraps mod 2^32 as int32 mul does (NumPy's int32 power too); b < 0 gives 0
    const pa = randi(r, [40], -40, 40), pb = randi(r, [40], -2, 40);
    const wrapPow = (x, y) => { if (y < 0) return 0; let v = 1n; for (let i = 0; i < y; i++) v = BigInt.asIntN(32, v * BigInt(x)); return Number(v); };
    assertEqual(await eg.pow(eg.tensor(pa, [40], 'int32'), eg.tensor(pb, [40], 'int32')).data(), Array.from(pa, (x, i) => wrapPow(x, pb[i])), 'int32 pow, overflowing');
    const d = eg.div(A, B);
    assert(d.dtype === 'float32', `int div dtype ${d.dtype}`);
    assertClose(await d.data(), broadcastMap([{ data: a, shape: [5, 7] }, { data: b, shape: [7] }], (x, y) => x / y).data, tol('elementwise', backend), 'int32 div');
  });

  test('dtype promotion: int32+float32, int32+2.5, uint8+uint8, number operands', async () => {
    const i = eg.tensor(Int32Array.of(1, 2, 3)), f = eg.tensor(Float32Array.of(0.5, 0.25, 0.125));
    const s = eg.add(i, f);
    assert(s.dtype === 'float32', `int32+float32 -> ${s.dtype}`);
    assertClose(await s.data(), [1.5, 2.25, 3.125], tol('exact', backend), 'int32+float32');
    const h = eg.add(i, 2.5);
    assert(h.dtype === 'float32', `int32+2.5 -> ${h.dtype}`);
    assertClose(await h.data(), [3.5, 4.5, 5.5], tol('exact', backend), 'int32+2.5');
    const k = eg.mul(i, 3);
    assert(k.dtype === 'int32', `int32*3 -> ${k.dtype}`);
    assertEqual(await k.data(), [3, 6, 9], 'int32*3');
    const u = eg.tensor(Uint8Array.of(200, 100, 7));
    const uu = eg.add(u, u);
    assert(uu.dtype === 'int32', `uint8+uint8 -> ${uu.dtype}`);
    assertEqual(await uu.data(), [400, 200, 14], 'uint8+uint8 does not wrap');
    assertEqual(await eg.sub(10, i).data(), [9, 8, 7], 'number - tensor');
  });

  test('unary float32 ops match float64 on random inputs', async () => {
    const r = rng(5);
    for (const shape of [[1], [7], [33, 5], [1031]]) {
      for (const name of Object.keys(eg.opTable.unary)) {
        const [f, lo, hi] = oracle(UNARY, name, 'unary');
        const x = randu(r, shape, lo, hi);
        const out = eg[name](eg.tensor(x, shape));
        assertShape(out, shape, name);
        assertClose(await out.data(), x.map((v) => f(v)), tol(TRANSCENDENTAL.has(name) ? 'transcendental' : 'elementwise', backend), `${name} ${JSON.stringify(shape)}`);
      }
    }
  });

  test('unary int32 ops stay int32; float-only ops cast ints to float32', async () => {
    const r = rng(6);
    const x = randi(r, [29], -50, 50);
    const X = eg.tensor(x);
    for (const name of Object.keys(eg.opTable.unary).filter((n) => eg.opTable.unary[n].int)) {
      const f = oracle(UNARY, name, 'unary')[0];
      const out = eg[name](X);
      assert(out.dtype === 'int32', `${name} int dtype ${out.dtype}`);
      assertEqual(await out.data(), Array.from(x, (v) => f(v) + 0), `${name} int32`);
    }
    const e = eg.exp(eg.tensor(Int32Array.of(0, 1, 2)));
    assert(e.dtype === 'float32', `exp(int) dtype ${e.dtype}`);
    assertClose(await e.data(), [1, Math.E, Math.E ** 2], tol('transcendental', backend), 'exp(int)');
  });

  test('NaN and Inf follow IEEE: propagate through arithmetic, max/min, relu; 1/0 = Inf', async () => {
    const a = eg.tensor(Float32Array.of(NaN, 1, -Infinity, Infinity, 0, 2));
    const b = eg.tensor(Float32Array.of(1, NaN, 1, 1, 0, -0));
    assertClose(await eg.add(a, b).data(), [NaN, NaN, -Infinity, Infinity, 0, 2], tol('exact', backend), 'add');
    assertClose(await eg.maximum(a, b).data(), [NaN, NaN, 1, Infinity, 0, 2], tol('exact', backend), 'maximum');
    assertClose(await eg.minimum(a, b).data(), [NaN, NaN, -Infinity, 1, 0, -0], tol('exact', backend), 'minimum');
    assertClose(await eg.div(eg.tensor([1, -1, 0]), eg.tensor([0, 0, 0])).data(), [Infinity, -Infinity, NaN], tol('exact', backend), 'div by zero');
    assertClose(await eg.relu(a).data(), [NaN, 1, 0, Infinity, 0, 2], tol('exact', backend), 'relu');
    assertClose(await eg.exp(eg.tensor([-Infinity, Infinity, NaN, 200])).data(), [0, Infinity, NaN, Infinity], tol('exact', backend), 'exp extremes');
    assertClose(await eg.log(eg.tensor([0, -1, Infinity])).data(), [-Infinity, NaN, Infinity], tol('exact', backend), 'log extremes');
    assertClose(await eg.sqrt(eg.tensor([-1, Infinity, 0])).data(), [NaN, Infinity, 0], tol('exact', backend), 'sqrt extremes');
    assertClose(await eg.sigmoid(eg.tensor([-Infinity, Infinity, -100, 100])).data(), [0, 1, 0, 1], { rtol: 0, atol: 1e-30 }, 'sigmoid extremes');
    assertClose(await eg.tanh(eg.tensor([-Infinity, Infinity, 30, -30])).data(), [-1, 1, 1, -1], tol('exact', backend), 'tanh extremes');
    assertEqual(await eg.equal(a, a).data(), [0, 1, 1, 1, 1, 1], 'NaN != NaN');
  });

  test('cast between float32, int32 and uint8', async () => {
    // out-of-range float->int conversions are left to each backend (documented); these are in range
    const f = eg.tensor(Float32Array.of(1.7, -1.7, 0, 255.9, -2e9, NaN, 300));
    assertEqual(await eg.cast(f, 'int32').data(), [1, -1, 0, 255, -2000000000, 0, 300], 'float->int32 truncates, NaN -> 0');
    const i = eg.tensor(Int32Array.of(-1, 0, 7, 256, 1 << 24));
    assertEqual(await i.cast('float32').data(), [-1, 0, 7, 256, 1 << 24], 'int32->float32');
    assertEqual(await i.cast('uint8').data(), [255, 0, 7, 0, 0], 'int32->uint8 wraps');
    const u = eg.tensor(Uint8Array.of(0, 1, 255));
    assertEqual(await u.cast('float32').data(), [0, 1, 255], 'uint8->float32');
    assertEqual(await u.cast('int32').data(), [0, 1, 255], 'uint8->int32');
    const same = f.cast('float32');
    assert(same !== f, 'cast to the same dtype returns a new tensor');
    await expectThrows(() => f.cast('float64'), /cast: unknown dtype 'float64'/, 'bad dtype');
  });

  test('bad operands throw errors that name the op and the shapes', async () => {
    await expectThrows(() => eg.add(eg.ones([2, 3]), eg.ones([4])), /add: shapes \[2,3\] and \[4\] cannot be broadcast/, 'broadcast');
    await expectThrows(() => eg.mul(eg.ones([2]), 'x'), /mul: operand must be a Tensor or a number/, 'string operand');
    await expectThrows(() => eg.exp([1, 2]), /exp: input must be a Tensor/, 'array input');
    const t = eg.ones([3]);
    t.dispose();
    await expectThrows(() => eg.sub(t, 1), /sub: tensor #\d+ \(float32 \[3\]\) was disposed/, 'disposed');
    await expectThrows(() => t.data(), /data: tensor #\d+ .* was disposed/, 'disposed data()');
  });
}
