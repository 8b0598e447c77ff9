// The names the tape records. A new public op adds its name here; `rules` (rules.ts) must
// then have a gradient rule for every DiffOp, or the build fails.
import type { ArithOp, CompareOp, IndexReduceOp, ReduceOp, UnaryOp } from '../../runtime/types.js';

/** Ops recorded with their inputs: each needs a rule in rules.ts. */
export type DiffOp =
  | ArithOp | UnaryOp | Exclude<ReduceOp, IndexReduceOp>
  | 'cast' | 'clone' | 'reshape' | 'transpose' | 'broadcastTo' | 'slice' | 'concat' | 'gather' | 'where'
  | 'matmul' | 'softmax' | 'logSoftmax' | 'logSumExp' | 'layerNorm' | 'rmsNorm'
  | 'sinkhornLoss'
  | 'segmentSum' | 'spmm' | 'implicit'
  | 'quant.linear' | 'quant.hadamard' | 'quant.trust'
  | 'cholesky' | 'solve' | 'inv' | 'det' | 'logAbsDet' | 'eigh';

/** Ops recorded without inputs: nothing flows back through them. */
export type NoGradOp = CompareOp | IndexReduceOp;

/** Ops recorded with their inputs but without a rule: a gradient through them fails naming the op. */
export type NoRuleOp = 'qr' | 'svd' | 'lstsq';

export type OpName = DiffOp | NoGradOp | NoRuleOp;
