// Adapter and device acquisition: limits are read from the adapter and requested
// explicitly, and anything missing is named in the error. Both requests are bounded in time.
import { EdgegradError } from '../../errors.js';

export interface AdapterInfo { vendor: string; architecture: string; device: string; description: string }
export interface DeviceOptions {
  powerPreference?: GPUPowerPreference;
  forceFallbackAdapter?: boolean;
  /** How long requestAdapter() and requestDevice() may take each (ms). */
  timeoutMs?: number;
}

/** A hung driver or browser GPU process can leave requestAdapter() pending for ever; init()
 *  must still settle (on wasm). A cold software or discrete driver answers within a few
 *  seconds, so 10 s only cuts off requests that would not have answered. */
export const GPU_REQUEST_TIMEOUT_MS = 10_000;

export interface OpenedAdapter {
  gpu: GPU;
  adapter: GPUAdapter;
  info: AdapterInfo;
  /** The name of the software rasterizer behind the adapter, or null for a hardware GPU. */
  software: string | null;
}

/** Every GPU object an adapter was requested from, for the life of the process. Dawn for Node
 *  aborts (futex error or segfault) when the object `create()` returned is collected while a
 *  device made from it exists, or at exit once that happened; a closure variable is not enough,
 *  since the bundler drops one that is never read. A process opens one or two such objects. */
const held = new Set<GPU>();

const SOFTWARE: [RegExp, string][] = [
  [/swiftshader/i, 'SwiftShader'], [/llvmpipe/i, 'llvmpipe'], [/lavapipe/i, 'lavapipe'],
  [/microsoft basic render/i, 'Microsoft Basic Render Driver'],
];

/** Limits the kernels depend on, with the least each needs: 256-invocation workgroups
 *  (reductions, row kernels), 8320 bytes of workgroup memory (the matmul tiles), four storage
 *  buffers in one shader (where, layerNorm). The rest are raised to what the adapter offers
 *  so large tensors fit in one binding. */
const NEEDED: Record<string, number> = {
  maxComputeInvocationsPerWorkgroup: 256,
  maxComputeWorkgroupSizeX: 256,
  maxComputeWorkgroupSizeY: 16,
  maxComputeWorkgroupStorageSize: 8320,
  maxStorageBuffersPerShaderStage: 4,
  maxUniformBufferBindingSize: 256,
  maxComputeWorkgroupsPerDimension: 1,
};
const RAISED = ['maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX', 'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupsPerDimension', 'maxStorageBuffersPerShaderStage'];

export function limitsRecord(l: GPUSupportedLimits): Record<string, number> {
  const out: Record<string, number> = {};
  // Limits are getters on the prototype (WebIDL attributes), so for..in rather than keys().
  for (const k in l) {
    const v = (l as unknown as Record<string, unknown>)[k];
    if (typeof v === 'number') out[k] = v;
  }
  return out;
}

function fail(message: string, fix?: string): never {
  throw new EdgegradError('init', `WebGPU: ${message}`, fix);
}

/** `p`, or a rejection after `ms`; a late answer is handed to `late` (to destroy a device). */
function bounded<T>(p: Promise<T>, ms: number, what: string, late: (v: T) => void = () => {}): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let expired = false;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      expired = true;
      reject(new EdgegradError('init', `WebGPU: ${what} did not answer within ${ms} ms`, 'Raise init({ gpuTimeoutMs }) if the driver is slow to start, or pass gpu: null to skip WebGPU'));
    }, ms);
  });
  p.then((v) => { if (expired) late(v); }, () => {});
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

function softwareName(adapter: GPUAdapter, info: AdapterInfo): string | null {
  const text = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`;
  for (const [re, name] of SOFTWARE) if (re.test(text)) return name;
  // isFallbackAdapter moved from the adapter to adapter.info; either marks a CPU implementation.
  const flag = (adapter.info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter
    ?? (adapter as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter;
  return flag ? 'fallback adapter' : null;
}

export async function openAdapter(gpu: GPU, opts: DeviceOptions = {}): Promise<OpenedAdapter> {
  if (!gpu || typeof gpu.requestAdapter !== 'function') {
    fail('no GPU object', 'Pass navigator.gpu, or create([]) from the npm package "webgpu" in Node');
  }
  held.add(gpu);
  const ms = opts.timeoutMs ?? GPU_REQUEST_TIMEOUT_MS;
  const adapter = await bounded(gpu.requestAdapter({ powerPreference: opts.powerPreference, forceFallbackAdapter: opts.forceFallbackAdapter }), ms, 'requestAdapter()');
  if (!adapter) {
    fail('requestAdapter() returned null (no GPU adapter)', 'In Node set VK_ICD_FILENAMES to a Vulkan driver, '
      + 'e.g. /usr/lib/chromium/vk_swiftshader_icd.json; in Chromium pass --enable-unsafe-webgpu');
  }
  const have = limitsRecord(adapter.limits);
  const short = Object.entries(NEEDED).filter(([k, v]) => (have[k] ?? 0) < v).map(([k, v]) => `${k} ${have[k] ?? 'absent'} < ${v}`);
  if (short.length) fail(`the adapter's limits are too small for edgegrad's kernels: ${short.join(', ')}`);
  // adapter.info is current WebGPU; older implementations only had requestAdapterInfo().
  const raw = (adapter as unknown as { info?: Partial<AdapterInfo> }).info ?? {};
  const info: AdapterInfo = {
    vendor: raw.vendor ?? '', architecture: raw.architecture ?? '', device: raw.device ?? '', description: raw.description ?? '',
  };
  return { gpu, adapter, info, software: softwareName(adapter, info) };
}

export async function openDevice(opened: OpenedAdapter, opts: DeviceOptions = {}): Promise<GPUDevice> {
  const have = limitsRecord(opened.adapter.limits);
  const requiredLimits: Record<string, number> = {};
  for (const k of RAISED) if (have[k] !== undefined) requiredLimits[k] = have[k];
  try {
    return await bounded(opened.adapter.requestDevice({ requiredLimits, label: 'edgegrad' }),
      opts.timeoutMs ?? GPU_REQUEST_TIMEOUT_MS, 'requestDevice()', (d) => d.destroy());
  } catch (e) {
    if (e instanceof EdgegradError) throw e;
    return fail(`requestDevice() failed with limits ${JSON.stringify(requiredLimits)}: ${(e as Error).message}`);
  }
}
