// WebGPU's flag namespaces are platform globals (GPUBufferUsage, GPUMapMode) that Node's
// `webgpu` package only installs on request, so the backend spells out their values,
// which the WebGPU spec fixes.
export const Usage = {
  MAP_READ: 0x0001,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
} as const;
export const MAP_READ = 0x0001;
