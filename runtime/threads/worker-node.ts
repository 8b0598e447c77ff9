// dist/edgegrad.worker.node.js: the pool worker under Node's worker_threads.
import { serve } from './worker.js';
import type { WorkerStart, WorkerReply } from './protocol.js';

interface Port { once(ev: 'message', fn: (m: WorkerStart) => void): void; postMessage(m: WorkerReply): void; close(): void }
const { parentPort } = (await import('node:worker_threads' as string)) as { parentPort: Port };
parentPort.once('message', (start) => {
  serve(start, (r) => parentPort.postMessage(r));
  parentPort.close();
});
