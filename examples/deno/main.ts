// edgegrad from Deno: `npm run build`, then
//   deno run --allow-read examples/deno/main.ts
// WebGPU comes from navigator.gpu when Deno finds a Vulkan/Metal driver; otherwise wasm.
import * as eg from '../../dist/edgegrad.deno.js';

const info = await eg.init();
console.log('selected:', info.selected, '| webgpu:', info.backends.webgpu.ok ? 'ok' : info.backends.webgpu.reason);

// least squares by gradient descent: find w minimising |Xw - y|² for a known w*
const key = eg.random.key(0);
const X = eg.random.normal(key, [256, 8]);
const wTrue = eg.random.normal(eg.random.foldIn(key, 1), [8, 1]);
const y = eg.matmul(X, wTrue);
const w = eg.zeros([8, 1]);
const opt = eg.optim.adam(w, { lr: 0.05 });
const loss = (p: eg.Tensor) => eg.mean(eg.square(eg.sub(eg.matmul(X, p), y)));
for (let step = 0; step <= 300; step++) {
  const [value, g] = eg.valueAndGrad(loss)(w);
  opt.step(g);
  if (step % 100 === 0) console.log(`step ${step}: loss ${(await value.data())[0].toExponential(3)}`);
  eg.dispose([value, g]);
}
const err = eg.max(eg.abs(eg.sub(w, wTrue)));
console.log('max |w - w*| =', (await err.data())[0].toExponential(2));
