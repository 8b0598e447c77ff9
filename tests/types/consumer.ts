// Compiled by tests/unit/types.test.mjs as a strict consumer project would (lib es2022 + dom, no
// WebGPU or Node types, skipLibCheck false) against the shipped dist/types. Every
// `@ts-expect-error` must be an error: tsc fails on one that is not.
import * as eg from 'edgegrad';

await eg.init({ backend: 'wasm' });
const key = eg.random.key(0);
const params = { w: eg.random.normal(key, [3, 2]), b: eg.zeros([2]) };
const x = eg.tensor([[1, 2, 3]], { shape: [1, 3], dtype: 'float32' });
const loss = (p: typeof params): eg.Tensor => eg.matmul(x, p.w).add(p.b).square().sum();

// gradients come back with the parameters' type
const g = eg.grad(loss)(params);
const gw: eg.Tensor = g.w;
// @ts-expect-error a typo in a key is a compile error
g.ww;
// @ts-expect-error the function's parameter type is checked against what it is called with
eg.grad(loss)({ w: params.w });
const [value, g2] = eg.valueAndGrad(loss)(params);
const vb: eg.Tensor = g2.b;
// @ts-expect-error valueAndGrad's grads are typed too
g2.bias;
const [ga, gb] = eg.grad((a: eg.Tensor, b: eg.Tensor[]) => a.mul(b[0]).sum(), { argnums: [0, 1] })(x, [x]);
const gbFirst: eg.Tensor = gb[0];
const gaT: eg.Tensor = ga;
const g1 = eg.grad((a: eg.Tensor, b: { s: eg.Tensor }) => a.mul(b.s).sum(), { argnums: 1 })(x, { s: x });
const g1s: eg.Tensor = g1.s;
const [y, back] = eg.vjp(loss, params);
const ct = back(eg.onesLike(y));
// @ts-expect-error vjp cotangents have the parameters' keys
ct.bias;
back.dispose();
const h = eg.hvp(loss, params, params);
const hw: eg.Tensor = h.w;
const [y0, jv] = eg.jvp(loss, params, params);
// @ts-expect-error the tangent must be shaped like the parameters
eg.jvp(loss, params, { w: params.w });

// optimizers take gradients of the parameters' type
const opt = eg.optim.adam(params, { lr: 1e-2 });
opt.step(g);
// @ts-expect-error gradients of another structure are rejected
opt.step({ w: g.w });
const chained = eg.optim.chain(eg.optim.clipByGlobalNorm(1), eg.optim.sgd(params, { lr: 0.1 }));
const done: void | Promise<void> = chained.step(g);
const p2: typeof params = chained.params;

// one options style beside the positional one
eg.zeros([2], { dtype: 'int32' });
eg.ones([2], 'uint8');
eg.full([2], 3, { dtype: 'int32' });
eg.eye(2, 2, { dtype: 'float32' });
eg.arange(0, 4, 1, { dtype: 'float32' });
eg.tensor([1, 2], [2], 'int32');
// @ts-expect-error dtypes are a closed set
eg.zeros([2], { dtype: 'float64' });

// internals are not part of the public types
// @ts-expect-error no public constructor
new eg.Tensor();
// @ts-expect-error storage is internal
x.storage;
// @ts-expect-error live() is internal
x.live('op');

// printing and disposal
const text: string = x.toString();
eg.print(x, value);
eg.ones([2])[Symbol.dispose](); // `using` needs lib esnext.disposable: tests/unit/types.test.mjs checks it there
const m = eg.memory();
const site: string | undefined = m.live?.[0]?.site;
void [gw, vb, gbFirst, gaT, g1s, hw, y0, jv, done, p2, text, site];
