// Option checking shared by optimizers and transforms: unknown names and bad values fail
// loudly with the optimizer's name, since a typo (`weight_decay`) would otherwise be a
// silently different training run.
import { EdgegradError } from '../../runtime/errors.js';

export type Spec = Record<string, { def: unknown; check: 'nonneg' | 'pos' | 'beta' | 'betas' | 'bool' | 'count' | 'any' | 'lr' | 'num' }>;

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function readOptions<T>(op: string, given: unknown, spec: Spec): T {
  if (given === undefined || given === null) given = {};
  if (typeof given !== 'object' || Array.isArray(given)) throw new EdgegradError(op, `options must be an object, got ${Array.isArray(given) ? 'an array' : typeof given}`, `Pass { ${Object.keys(spec).join(', ')} }`);
  const g = given as Record<string, unknown>;
  for (const k of Object.keys(g)) if (!(k in spec)) {
    const near = Object.keys(spec).find((s) => s.toLowerCase() === k.replace(/_/g, '').toLowerCase());
    throw new EdgegradError(op, `unknown option '${k}'`, near ? `Did you mean '${near}'?` : `Known options: ${Object.keys(spec).join(', ')}`);
  }
  const out: Record<string, unknown> = {};
  for (const [k, { def, check }] of Object.entries(spec)) {
    const v = g[k] === undefined ? def : g[k];
    out[k] = v;
    if (v === undefined && def === undefined) continue;
    const bad = (want: string): never => { throw new EdgegradError(op, `option ${k} must be ${want}, got ${Array.isArray(v) ? `[${v.join(', ')}]` : String(v)}`); };
    switch (check) {
      case 'nonneg': if (!isNum(v) || v < 0) bad('a finite number >= 0'); break;
      case 'pos': if (!isNum(v) || v <= 0) bad('a finite number > 0'); break;
      case 'num': if (!isNum(v)) bad('a finite number'); break;
      case 'beta': if (!isNum(v) || v < 0 || v >= 1) bad('a number in [0, 1)'); break;
      case 'betas': if (!Array.isArray(v) || v.length !== 2 || !v.every((b) => isNum(b) && b >= 0 && b < 1)) bad('two numbers in [0, 1), e.g. [0.9, 0.999]'); break;
      case 'bool': if (typeof v !== 'boolean') bad('true or false'); break;
      case 'count': if (!Number.isInteger(v) || (v as number) < 1) bad('an integer >= 1'); break;
      case 'lr': if (!(typeof v === 'function' || (isNum(v) && v >= 0))) bad('a number >= 0 or a schedule (step => lr)'); break;
    }
  }
  return out as T;
}
