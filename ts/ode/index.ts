// eg.ode: adaptive ODE solvers (async: step sizes depend on the data).
export { solve } from './solve.js';
export type { OdeFunction, OdeOptions, OdeResult } from './solve.js';
export { dopri5, tsit5 } from './tableaus.js';
export type { Tableau, OdeMethod } from './tableaus.js';
