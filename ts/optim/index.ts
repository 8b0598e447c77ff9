// eg.optim: optimizers, gradient transforms, schedules, batch-size tools.
export { Optimizer } from './optimizer.js';
export type { Schedule, LearningRate, StepOptions, OptimizerState } from './optimizer.js';
export { sgd, adam, adamw, adagrad, lion, diffGrad } from './optimizers.js';
export type { SGDOptions, AdamOptions, AdagradOptions, LionOptions, DiffGradOptions } from './optimizers.js';
export { sophiaG, sophiaH, SophiaG, SophiaH } from './sophia.js';
export type { SophiaGOptions, SophiaHOptions } from './sophia.js';
export { adagradNorm, AdagradNorm } from './adagrad-norm.js';
export type { AdagradNormOptions } from './adagrad-norm.js';
