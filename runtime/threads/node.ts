// Pool workers under Node's worker_threads (also Deno's node:worker_threads). They are unref'd: an idle pool (its workers
// asleep in Atomics.wait) does not keep the process alive, so a script ends without dispose.
import type { PlatformThreads, WasmSource } from '../platform.js';
import type { ThreadWorker } from './pool.js';

interface NodeWorker {
  postMessage(m: unknown): void;
  once(ev: 'message', fn: (m: never) => void): void;
  once(ev: 'error', fn: (e: Error) => void): void;
  once(ev: 'exit', fn: (code: number) => void): void;
  unref(): void;
  terminate(): Promise<number>;
}

export async function nodeThreads(script: URL, wasm: (relaxed: boolean) => WasmSource): Promise<PlatformThreads | { reason: string }> {
  let wt: { Worker: new (u: URL, o: { execArgv: string[] }) => NodeWorker };
  let os: { availableParallelism?(): number; cpus(): unknown[] };
  try {
    wt = (await import('node:worker_threads' as string)) as typeof wt;
    os = (await import('node:os' as string)) as typeof os;
  } catch (e) {
    return { reason: `node:worker_threads could not be loaded (${(e as Error).message})` };
  }
  return {
    wasm,
    // navigator first: Deno asks for a permission for node:os's counts
    cores: (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? os.availableParallelism?.() ?? os.cpus().length,
    spawn(): ThreadWorker {
      // not the parent's flags: --input-type or an -e script would stop the worker from loading
      const w = new wt.Worker(script, { execArgv: [] });
      w.unref();
      return {
        post: (m) => w.postMessage(m),
        onReply(fn) {
          w.once('message', fn);
          w.once('error', (e) => fn({ ready: false, error: e.message }));
          w.once('exit', (code) => fn({ ready: false, error: `the worker exited with code ${code}` }));
        },
        terminate: () => { void w.terminate(); },
      };
    },
  };
}
