// The cold-start worker for workerd: the first request initialises edgegrad and runs one add.
// (workerd freezes its clocks between I/O, so the time is taken outside, by the caller.)
import * as eg from './edgegrad.workerd.js';

export default {
  async fetch() {
    await eg.init({ backend: 'wasm' });
    const a = eg.tensor([1, 2, 3, 4]);
    const out = await eg.add(a, a).data();
    return new Response(JSON.stringify([...out]));
  },
};
