export { altMin } from './altmin.js';
export type { Observations, AltMinOptions, AltMinResult } from './altmin.js';
