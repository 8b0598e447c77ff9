// The loop every pool worker runs: instantiate the threaded build on the shared memory, then
// sleep on its sequence number, run the call the slot describes, count PENDING down, repeat.
// It blocks in Atomics.wait between jobs (allowed in workers everywhere), so it never
// returns to its event loop; the pool ends it with STOP and terminate().
import { PENDING, ERROR, STOP, SEQ, SLOT, argsView, functionNames, type WorkerStart, type WorkerReply } from './protocol.js';

/** Spins this many loads on the sequence number before sleeping: back-to-back jobs (one op
 *  after another) then skip the futex wake-up. */
const SPIN = 20000;

export function serve(start: WorkerStart, reply: (r: WorkerReply) => void): void {
  let fns: ((...a: number[]) => void)[];
  try {
    const abort = () => { throw new Error('the wasm module aborted'); };
    const inst = new WebAssembly.Instance(start.module, { env: { memory: start.memory, tls: start.tls, abort } });
    const ex = inst.exports as Record<string, (...a: number[]) => void>;
    fns = functionNames(start.module).map((n) => ex[n]);
  } catch (e) {
    reply({ ready: false, error: (e as Error).message });
    return;
  }
  const ctl = new Int32Array(start.control);
  const args = argsView(start.control, start.workers);
  const seqAt = SEQ + start.index, base = start.index * SLOT;
  // read before saying ready: the first job may be posted the moment the reply arrives
  let seen = Atomics.load(ctl, seqAt);
  reply({ ready: true });
  for (;;) {
    for (let i = 0; i < SPIN && Atomics.load(ctl, seqAt) === seen; i++);
    Atomics.wait(ctl, seqAt, seen);
    const now = Atomics.load(ctl, seqAt);
    if (now === seen) continue;
    seen = now;
    if (Atomics.load(ctl, STOP)) return;
    try {
      const argc = args[base + 1], a: number[] = [];
      for (let i = 0; i < argc; i++) a.push(args[base + 2 + i]);
      fns[args[base]](...a);
    } catch {
      Atomics.store(ctl, ERROR, 1);
    }
    if (Atomics.sub(ctl, PENDING, 1) === 1) Atomics.notify(ctl, PENDING);
  }
}
