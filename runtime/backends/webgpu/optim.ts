// Host side of the fused optimizer update (shaders/optim.wgsl): picks the kernel for the
// kind and slot set, packs the scalars (folded in float64, rounded once to f32) and
// launches one invocation per element, in place on p and the state buffers.
import type { OptimParams } from '../../types.js';
import { optim as src } from './shaders.generated.js';
import { f32bits, type Launcher } from './launcher.js';
import type { GpuHandle } from './storage.js';
import { shader } from './wgsl.js';

function variant(q: OptimParams, hasS0: boolean): keyof typeof src {
  switch (q.kind) {
    case 'sgd': return hasS0 ? 'sgdMomentum' : 'sgd';
    case 'adam': return q.amsgrad ? 'adamAmsgrad' : 'adam';
    default: return q.kind;
  }
}

/** The backend's `optimStep` kernel on launcher L. */
export function webgpuOptimStep(L: Launcher) {
  return (p: GpuHandle, g: GpuHandle, s0: GpuHandle | null, s1: GpuHandle | null, s2: GpuHandle | null, _out: GpuHandle, q: OptimParams): void => {
    if (q.size === 0) return;
    const name = variant(q, !!s0);
    const step = q.kind === 'diffGrad' ? q.lr * Math.sqrt(q.bc2) / q.bc1 : q.lr / q.bc1;
    const f = [q.lr, q.decoupled ? 1 - q.lr * q.wd : 1, q.decoupled ? 0 : q.wd, q.b1, 1 - q.b1, q.b2, 1 - q.b2, q.eps,
      q.momentum, 1 - q.dampening].map(f32bits);
    const params = [q.size, ...f, +q.nesterov, +q.first, f32bits(step), f32bits(1 / Math.sqrt(q.bc2)), f32bits(q.rhoBs)];
    const slots = [s0, s1, s2].filter((s): s is GpuHandle => !!s);
    L.launch(`optim:${name}`, () => shader(src[name]), [p, g, ...slots], params, Math.ceil(q.size / 64));
  };
}
