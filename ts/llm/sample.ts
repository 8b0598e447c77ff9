// Token sampling: greedy at temperature 0, else temperature, top-k, top-p (nucleus) on a
// seeded generator, so a seed reproduces a generation.
import { EdgegradError } from '../../runtime/errors.js';

export interface SampleOptions {
  /** 0 is greedy (default 0.8). */
  temperature?: number;
  /** Keep the k most likely tokens (default 40; 0 = all). */
  topK?: number;
  /** Keep the smallest set whose probability reaches p (default 0.95). */
  topP?: number;
  seed?: number;
}

export function sampler(opts: SampleOptions): (logits: Float32Array) => number {
  const temperature = opts.temperature ?? 0.8, topK = opts.topK ?? 40, topP = opts.topP ?? 0.95;
  if (!(temperature >= 0) || !(topP > 0 && topP <= 1) || !Number.isInteger(topK) || topK < 0)
    throw new EdgegradError('llm.generate', `bad sampling options temperature ${temperature}, topK ${topK}, topP ${topP}`, 'temperature >= 0, topK an integer >= 0, 0 < topP <= 1');
  let s = (opts.seed ?? Math.floor(Math.random() * 2 ** 32)) >>> 0;
  const uniform = (): number => { // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return (logits) => {
    if (temperature === 0) {
      let best = 0;
      for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
      return best;
    }
    let idx = Array.from(logits.keys()).sort((a, b) => logits[b] - logits[a]);
    if (topK > 0) idx = idx.slice(0, topK);
    const mx = logits[idx[0]];
    const p = idx.map((i) => Math.exp((logits[i] - mx) / temperature));
    const z = p.reduce((a, b) => a + b, 0);
    let cut = idx.length, acc = 0;
    for (let j = 0; j < idx.length; j++) { acc += p[j] / z; if (acc >= topP) { cut = j + 1; break; } }
    const zc = p.slice(0, cut).reduce((a, b) => a + b, 0);
    let u = uniform() * zc;
    for (let j = 0; j < cut; j++) { u -= p[j]; if (u <= 0) return idx[j]; }
    return idx[cut - 1];
  };
}
