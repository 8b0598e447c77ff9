import { writeLine } from '../runtime/symbols.js';
import { Tensor } from './tensor.js';

/** Prints tensors (dtype, shape, backend, values) and other values, space-separated, like console.log. */
export function print(...values: unknown[]): void {
  writeLine(values.map((v) => (v instanceof Tensor ? v.toString() : String(v))).join(' '));
}
