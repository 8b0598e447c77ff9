// out = cond ? a : b with broadcasting, on 32-bit words (every dtype).
import type { WhereParams } from '../../types.js';
import { where as src } from './shaders.generated.js';
import type { Launcher } from './launcher.js';
import type { GpuHandle } from './storage.js';
import { shader } from './wgsl.js';
import { stridedWords } from './copy.js';

export function where(L: Launcher, c: GpuHandle, a: GpuHandle, b: GpuHandle, out: GpuHandle, p: WhereParams): void {
  const words = new Array<number>(40).fill(0);
  words[0] = p.size;
  stridedWords('where', words, p.outShape, [p.cStrides, p.aStrides, p.bStrides]);
  L.launch('where', () => shader(src.where), [c, a, b, out], words, Math.ceil(p.size / 64));
}
