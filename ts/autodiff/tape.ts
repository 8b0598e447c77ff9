// The hook every public op calls once with its inputs and output. Autodiff installs a
// recorder while tracing; otherwise recording costs one null check. Composite ops run
// their internals with recording paused, so each public op records exactly one node and
// its gradient rule is written against the public op, not its implementation.
import type { Tensor } from '../tensor.js';
import type { OpName } from './op-names.js';

export type Recorder = (op: OpName, inputs: Tensor[], output: Tensor, attrs: Record<string, unknown>) => void;

let recorder: Recorder | null = null;
let paused = 0;

export function setRecorder(r: Recorder | null): Recorder | null {
  const prev = recorder;
  recorder = r;
  return prev;
}

export function isRecording(): boolean { return recorder !== null && paused === 0; }

export function record(op: OpName, inputs: Tensor[], output: Tensor, attrs: Record<string, unknown> = {}): Tensor {
  if (recorder && paused === 0) recorder(op, inputs, output, attrs);
  return output;
}

/** Runs an op's implementation without recording its inner ops, then records the op itself. */
export function defOp(op: OpName, inputs: Tensor[], attrs: Record<string, unknown>, impl: () => Tensor): Tensor {
  paused++;
  let out: Tensor;
  try { out = impl(); } finally { paused--; }
  return record(op, inputs, out, attrs);
}
