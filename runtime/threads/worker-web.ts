// dist/edgegrad.worker.js: the pool worker in browsers and Deno (module workers).
import { serve } from './worker.js';
import type { WorkerStart, WorkerReply } from './protocol.js';

const scope = globalThis as unknown as { onmessage: ((e: { data: WorkerStart }) => void) | null; postMessage(m: WorkerReply): void; close?(): void };
scope.onmessage = (e) => {
  scope.onmessage = null;
  serve(e.data, (r) => scope.postMessage(r));
  scope.close?.();
};
