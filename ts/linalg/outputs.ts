// Factorizations with several outputs (qr, eigh, svd) are one op on the tape: while a trace
// records, the outputs travel packed in one tensor [batch, Σ sizes] and come out as slices,
// so one gradient rule sees all their cotangents (and an op without a rule fails loudly
// instead of passing a silent zero).
import { defOp, isRecording } from '../autodiff/tape.js';
import type { OpName } from '../autodiff/op-names.js';
import type { Tensor } from '../tensor.js';
import { sizeOf } from '../shape.js';
import { concat, reshape, slice } from '../ops/layout.js';

export function multiOutput(op: OpName, inputs: Tensor[], attrs: Record<string, unknown>, shapes: (readonly number[])[], impl: () => Tensor[]): Tensor[] {
  if (!isRecording()) return impl();
  const batch = sizeOf(shapes[0].slice(0, inputs[0].rank - 2));
  const per = shapes.map((s) => sizeOf(s) / Math.max(batch, 1));
  const packed = defOp(op, inputs, { ...attrs, shapes, per }, () => {
    const parts = impl();
    const flat = parts.map((p, i) => reshape(p, [batch, per[i]]));
    const out = concat(flat, 1);
    for (const p of [...flat, ...parts]) p.dispose();
    return out;
  });
  return unpack(packed, shapes, per);
}

/** The parts of a packed [batch, Σ per] tensor, with their shapes (also used by the rules on cotangents). */
export function unpack(packed: Tensor, shapes: readonly (readonly number[])[], per: readonly number[]): Tensor[] {
  let off = 0;
  return shapes.map((s, i) => {
    const part = reshape(slice(packed, [0, off], [packed.shape[0], per[i]]), s);
    off += per[i];
    return part;
  });
}
