// Strided copy (transpose, slice, broadcast, concat pieces) on 32-bit words.
import { EdgegradError } from '../../errors.js';
import type { CopyParams } from '../../types.js';
import { collapse } from '../../layout.js';
import { copy as src } from './shaders.generated.js';
import type { Launcher } from './launcher.js';
import type { GpuHandle } from './storage.js';
import { shader } from './wgsl.js';

/** Max rank of the strided kernels (binary, copy, where): the uniform slot holds 8 dims. */
export const MAX_RANK = 8;

/** Shape and stride rows with size-1 axes dropped and contiguous runs merged, or null
 *  when that still exceeds MAX_RANK (supports() then declines the launch). */
export function stridedLayout(shape: readonly number[], strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } | null {
  const c = collapse(shape, strides);
  return c.shape.length <= MAX_RANK ? c : null;
}

/** Packs params 8.. (shape) and 16.., 24.., 32.. (one stride row per operand). */
export function stridedWords(kernel: string, words: number[], shape: readonly number[], strides: readonly (readonly number[])[]): void {
  const l = stridedLayout(shape, strides);
  if (!l) throw new EdgegradError('webgpu', `${kernel}: rank ${shape.length} does not collapse to ${MAX_RANK} axes`, 'This is a bug: supports() should have declined it');
  words[1] = l.shape.length;
  l.shape.forEach((d, ax) => { words[8 + ax] = d; });
  l.strides.forEach((row, k) => row.forEach((s, ax) => { words[16 + 8 * k + ax] = s; }));
}

export function copy(L: Launcher, x: GpuHandle, out: GpuHandle, p: CopyParams): void {
  const words = new Array<number>(32).fill(0);
  words[0] = p.size; words[2] = p.xOffset; words[3] = p.outOffset;
  stridedWords('copy', words, p.shape, [p.xStrides, p.outStrides]);
  L.launch('copy', () => shader(src.copy), [x, out], words, Math.ceil(p.size / 64));
}
