// What 2 threads can get on this machine now: a plain JS loop split over a worker and this
// thread against the same loop here alone (2.0 on two idle cores; other processes lower it).
// The ceiling for every 2-thread figure measured around it.
import { Worker } from 'node:worker_threads';

export async function machineParallelism({ quick = false } = {}) {
  const body = 'let s = 0; for (let i = 0; i < n; i++) s += Math.sqrt(i); return s;';
  const spin = new Function('n', body);
  const w = new Worker(`const { parentPort } = require('node:worker_threads'); const f = new Function('n', ${JSON.stringify(body)}); parentPort.on('message', (n) => parentPort.postMessage(f(n)));`, { eval: true });
  const ask = (n) => new Promise((r) => { w.once('message', r); w.postMessage(n); });
  await ask(1e6); spin(1e6);
  const N = quick ? 1e8 : 3e8;
  let t = performance.now(); spin(N); const one = performance.now() - t;
  t = performance.now(); const p = ask(N / 2); spin(N / 2); await p; const two = performance.now() - t;
  await w.terminate();
  return +(one / two).toFixed(2);
}
