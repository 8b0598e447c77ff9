// eg.optim: optimizers, gradient transforms, schedules, batch-size tools.
export { Optimizer } from './optimizer.js';
export type { Schedule, LearningRate, StepOptions, OptimizerState } from './optimizer.js';
export { sgd, adam, adamw, adagrad, lion, diffGrad } from './optimizers.js';
export type { SGDOptions, AdamOptions, AdagradOptions, LionOptions, DiffGradOptions } from './optimizers.js';
export { sophiaG, sophiaH, SophiaG, SophiaH } from './sophia.js';
export type { SophiaGOptions, SophiaHOptions } from './sophia.js';
export { adagradNorm, AdagradNorm } from './adagrad-norm.js';
export type { AdagradNormOptions } from './adagrad-norm.js';
export { chain, Chain, clipByGlobalNorm, clipByValue, coordinateClip } from './transforms.js';
export type { GradientTransform, Projection } from './transforms.js';
export { lowRankDCT, lowRankSVD, dctBasis } from './lowrank.js';
export type { LowRankOptions } from './lowrank.js';
export * as schedules from './schedules.js';
export { adaptiveBatch, AdaptiveBatch, perSampleGrads, perSampleLinear, scaleLr } from './batch.js';
export type { AdaptiveBatchOptions, BatchDecision } from './batch.js';
export { bcd } from './bcd.js';
export type { BCDProblem, BCDOptions, BCDResult } from './bcd.js';
