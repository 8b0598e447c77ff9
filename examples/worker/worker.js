// A Cloudflare Worker doing numerics per request with edgegrad's wasm backend.
// GET /?n=64 -> softmax of a random n-vector and a small matmul, as JSON.
import * as eg from './edgegrad.js';

let ready; // init once per isolate, not per request
export default {
  async fetch(request) {
    ready ??= eg.init({ backend: 'wasm' });
    const info = await ready;
    const n = Math.min(4096, Math.max(1, Number(new URL(request.url).searchParams.get('n') ?? 8)));
    const out = eg.scope(() => {
      const key = eg.random.key(n);
      const x = eg.random.normal(key, [1, n]);
      const w = eg.random.normal(eg.random.foldIn(key, 1), [n, 4]);
      return { probs: eg.softmax(x), proj: eg.matmul(x, w) };
    });
    const body = {
      backend: info.selected, simd: info.backends.wasm.simd, relaxedSimd: info.backends.wasm.relaxedSimd,
      probsSum: (await out.probs.sum().data())[0], proj: Array.from(await out.proj.data()),
    };
    eg.dispose(out);
    return Response.json(body);
  },
};
