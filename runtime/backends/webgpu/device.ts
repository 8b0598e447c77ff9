// Adapter and device acquisition: limits are read from the adapter and requested
// explicitly, and anything missing is named in the error.

export interface AdapterInfo { vendor: string; architecture: string; device: string; description: string }
export interface DeviceOptions { powerPreference?: GPUPowerPreference; forceFallbackAdapter?: boolean }

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

export async function openDevice(gpu: GPU, opts: DeviceOptions = {}): Promise<{ adapter: GPUAdapter; device: GPUDevice; info: AdapterInfo }> {
  if (!gpu || typeof gpu.requestAdapter !== 'function') {
    throw new Error('WebGPU: no GPU object (pass navigator.gpu, or create([]) from the npm package "webgpu" in Node)');
  }
  const adapter = await gpu.requestAdapter({ powerPreference: opts.powerPreference, forceFallbackAdapter: opts.forceFallbackAdapter });
  if (!adapter) {
    throw new Error('WebGPU: requestAdapter() returned null (no GPU adapter; in Node set VK_ICD_FILENAMES to a Vulkan driver, '
      + 'e.g. /usr/lib/chromium/vk_swiftshader_icd.json; in Chromium pass --enable-unsafe-webgpu)');
  }
  const have = limitsRecord(adapter.limits);
  const short = Object.entries(NEEDED).filter(([k, v]) => (have[k] ?? 0) < v).map(([k, v]) => `${k} ${have[k] ?? 'absent'} < ${v}`);
  if (short.length) throw new Error(`WebGPU: the adapter's limits are too small for edgegrad's kernels: ${short.join(', ')}`);
  const requiredLimits: Record<string, number> = {};
  for (const k of RAISED) if (have[k] !== undefined) requiredLimits[k] = have[k];
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredLimits, label: 'edgegrad' });
  } catch (e) {
    throw new Error(`WebGPU: requestDevice() failed with limits ${JSON.stringify(requiredLimits)}: ${(e as Error).message}`);
  }
  // adapter.info is current WebGPU; older implementations only had requestAdapterInfo().
  const raw = (adapter as unknown as { info?: Partial<AdapterInfo> }).info ?? {};
  const info: AdapterInfo = {
    vendor: raw.vendor ?? '', architecture: raw.architecture ?? '', device: raw.device ?? '', description: raw.description ?? '',
  };
  return { adapter, device, info };
}
