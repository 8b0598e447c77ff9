// Records kernel launches into one command encoder and submits lazily: on read/sync/write,
// or every FLUSH_EVERY launches so the GPU is not left idle behind a long op chain.
import { EdgegradError } from '../../errors.js';
import { Usage } from './gpu-constants.js';
import { GpuHandle } from './storage.js';

/** Words per uniform slot (256 bytes = minUniformBufferOffsetAlignment's usual value). */
export const PARAM_WORDS = 64;
const SLOT_BYTES = PARAM_WORDS * 4;
const RING_SLOTS = 256;
const FLUSH_EVERY = 32;

const f32 = new Float32Array(1);
const f32u = new Uint32Array(f32.buffer);
/** A float parameter as the u32 word the shader bitcasts back. */
export function f32bits(x: number): number { f32[0] = x; return f32u[0]; }

/** Workgroup counts: a number is a 1D launch folded into 2D when it exceeds the
 *  per-dimension limit (the shaders rebuild the flat index and skip the overhang). */
export type Groups = number | [number, number, number];
export type Binding = GpuHandle | GPUBuffer;

export class Launcher {
  private encoder: GPUCommandEncoder | null = null;
  private launches = 0;
  // Parameters of the launches in the open batch sit side by side in one uniform ring,
  // uploaded with a single writeBuffer just before the submit. Reusing the ring for the next
  // batch is safe: that upload is queued after this batch's submit.
  private readonly ring: GPUBuffer;
  private readonly mirror = new Uint32Array(RING_SLOTS * PARAM_WORDS);
  private slot = 0;
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private retired: GPUBuffer[] = [];

  constructor(private readonly device: GPUDevice, private readonly maxPerDim: number,
              private readonly maxBinding: number, private readonly report: (msg: string) => void) {
    this.ring = device.createBuffer({ size: RING_SLOTS * SLOT_BYTES, usage: Usage.UNIFORM | Usage.COPY_DST, label: 'edgegrad:params' });
  }

  get commandEncoder(): GPUCommandEncoder {
    return (this.encoder ??= this.device.createCommandEncoder());
  }

  /** Pool-reused storage reads as zeros: clear it (in queue order) before its first use. */
  prepare(h: GpuHandle, kernel: string): void {
    if (h.freed) throw new EdgegradError('webgpu', `${kernel}: storage was already freed`);
    if (h.dirty) { this.commandEncoder.clearBuffer(h.buffer); h.dirty = false; }
  }

  /** Pipelines are cached by variant key; `source` builds the WGSL only on a miss. Shader
   *  errors are reported against the key, which names the kernel and its variant. */
  pipeline(key: string, source: () => string): GPUComputePipeline {
    let p = this.pipelines.get(key);
    if (!p) {
      this.device.pushErrorScope('validation');
      const module = this.device.createShaderModule({ code: source(), label: key });
      p = this.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' }, label: key });
      this.device.popErrorScope().then(
        (e) => { if (e) this.report(`shader ${key}: ${e.message}`); },
        () => {},
      );
      this.pipelines.set(key, p);
    }
    return p;
  }

  launch(key: string, source: () => string, bindings: Binding[], params: readonly number[], groups: Groups): void {
    const [x, y, z] = typeof groups === 'number' ? this.fold(groups, key) : groups;
    if (x === 0 || y === 0 || z === 0) return;
    if (params.length > PARAM_WORDS) throw new EdgegradError('webgpu', `${key}: ${params.length} parameter words (max ${PARAM_WORDS})`);
    const pipeline = this.pipeline(key, source);
    if (this.slot === RING_SLOTS) this.flush();
    const slot = this.slot++;
    const base = slot * PARAM_WORDS;
    this.mirror.fill(0, base, base + PARAM_WORDS);
    for (let i = 0; i < params.length; i++) this.mirror[base + i] = params[i] >>> 0;
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: this.ring, offset: slot * SLOT_BYTES, size: SLOT_BYTES } }];
    for (let i = 0; i < bindings.length; i++) {
      const b = bindings[i];
      let buffer: GPUBuffer;
      if (b instanceof GpuHandle) { this.prepare(b, key); buffer = b.buffer; } else buffer = b;
      entries.push({ binding: i + 1, resource: { buffer, offset: 0, size: Math.min(buffer.size, this.maxBinding) } });
    }
    const bindGroup = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    const pass = this.commandEncoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(x, y, z);
    pass.end();
    if (++this.launches >= FLUSH_EVERY) this.flush();
  }

  private fold(groups: number, key: string): [number, number, number] {
    if (groups <= this.maxPerDim) return [groups, 1, 1];
    const y = Math.ceil(groups / this.maxPerDim);
    if (y > this.maxPerDim) throw new EdgegradError('webgpu', `${key}: ${groups} workgroups exceed ${this.maxPerDim}² (maxComputeWorkgroupsPerDimension)`);
    return [Math.ceil(groups / y), y, 1];
  }

  /** Destroys a buffer once the commands already recorded against it are submitted. */
  retire(b: GPUBuffer): void {
    if (this.encoder) this.retired.push(b); else b.destroy();
  }

  flush(): void {
    if (!this.encoder) return;
    const queue = this.device.queue;
    if (this.slot > 0) queue.writeBuffer(this.ring, 0, this.mirror.buffer, 0, this.slot * SLOT_BYTES);
    queue.submit([this.encoder.finish()]);
    this.encoder = null;
    this.slot = 0;
    this.launches = 0;
    for (const b of this.retired) b.destroy();
    this.retired = [];
  }

  destroy(): void {
    this.encoder = null;
    this.ring.destroy();
    this.pipelines.clear();
  }
}
