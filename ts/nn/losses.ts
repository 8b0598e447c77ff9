// Losses, written with the public ops so autodiff (and grad-of-grad) goes through them.
import { EdgegradError, fmtShape } from '../../runtime/errors.js';
import type { Tensor } from '../tensor.js';
import { arange } from '../creation.js';
import * as o from '../ops/index.js';
import { isRecording } from '../autodiff/tape.js';

// Intermediates are freed at once unless a trace recorded them: then they belong to the
// trace, whose scope frees them after the backward pass.
const isTraced = (): boolean => isRecording();

/**
 * Mean cross-entropy from unnormalised logits [..., C]. `labels` is either integer class ids
 * (int32/uint8, shape [...]) or a float32 distribution per row (one-hot or soft, shape [..., C]).
 * Uses logSoftmax, so large logits do not overflow.
 */
export function crossEntropy(logits: Tensor, labels: Tensor): Tensor {
  if (logits.rank < 1 || logits.dtype !== 'float32')
    throw new EdgegradError('nn.crossEntropy', `logits must be float32 with a class axis, got ${logits.dtype} ${fmtShape(logits.shape)}`, 'Pass [batch, classes] logits');
  const c = logits.shape[logits.rank - 1];
  const rows = logits.size / Math.max(c, 1);
  const lead = logits.shape.slice(0, -1);
  let target: Tensor;
  let made = false;
  if (labels.dtype === 'float32') {
    if (labels.shape.join() !== logits.shape.join())
      throw new EdgegradError('nn.crossEntropy', `float labels must match the logits' shape: ${fmtShape(labels.shape)} vs ${fmtShape(logits.shape)}`, 'Pass one-hot rows, or int32 class ids shaped like the logits without the class axis');
    target = labels;
  } else {
    if (labels.shape.join() !== lead.join())
      throw new EdgegradError('nn.crossEntropy', `class ids must have shape ${fmtShape(lead)} for logits ${fmtShape(logits.shape)}, got ${fmtShape(labels.shape)}`, 'One id per row of logits');
    // one-hot by comparison: comparisons are not recorded, so this costs no tape node
    const ids = o.reshape(labels, [...lead, 1]);
    const classes = arange(0, c);
    const eq = o.equal(ids, classes);
    target = o.cast(eq, 'float32');
    for (const t of [ids, classes, eq]) if (t !== labels) t.dispose();
    made = true;
  }
  const lp = o.logSoftmax(logits, -1);
  const picked = o.mul(lp, target);
  const total = o.sum(picked);
  const out = o.div(total, -rows);
  if (!isTraced()) { lp.dispose(); picked.dispose(); total.dispose(); if (made) target.dispose(); }
  return out;
}

/** Mean squared error over every element; shapes broadcast. */
export function mse(pred: Tensor, target: Tensor): Tensor {
  const d = o.sub(pred, target);
  const sq = o.square(d);
  const out = o.mean(sq);
  if (!isTraced()) { d.dispose(); sq.dispose(); }
  return out;
}

/** Fraction of rows whose argmax matches the class id (int labels) or the target's argmax. */
export function accuracy(logits: Tensor, labels: Tensor): Tensor {
  const pred = o.argmax(logits, -1);
  const ids = labels.dtype === 'float32' ? o.argmax(labels, -1) : labels;
  const hit = o.equal(pred, ids);
  const out = o.mean(hit);
  pred.dispose(); hit.dispose();
  if (ids !== labels) ids.dispose();
  return out;
}
