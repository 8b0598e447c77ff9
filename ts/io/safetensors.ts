// safetensors: u64 header length, a JSON header { name: { dtype, shape, data_offsets } ,
// __metadata__: { string: string } }, then the raw little-endian data.
import { EdgegradError, fmtShape } from '../../runtime/errors.js';
import { readBytes, type ByteSource, type Progress } from '../../runtime/files.js';
import { halfToFloat, bf16ToFloat, floatToHalf, floatToBf16 } from '../../runtime/ggml.js';
import { engine } from '../../runtime/engine.js';
import type { DType, TypedArray } from '../../runtime/types.js';
import { Tensor } from '../tensor.js';

export type SafetensorsDType = 'F32' | 'F16' | 'BF16' | 'I32' | 'U8';
const SIZES: Record<SafetensorsDType, number> = { F32: 4, F16: 2, BF16: 2, I32: 4, U8: 1 };
const TARGET: Record<SafetensorsDType, DType> = { F32: 'float32', F16: 'float32', BF16: 'float32', I32: 'int32', U8: 'uint8' };

export interface SafetensorsFile { metadata: Record<string, string>; tensors: Record<string, Tensor> }

export async function read(source: ByteSource, opts: { onProgress?: Progress } = {}): Promise<SafetensorsFile> {
  return parse(await readBytes('io.safetensors.read', source, opts.onProgress));
}

/** F16/BF16 become float32 tensors; F32, I32, U8 keep their type. */
export function parse(bytes: Uint8Array): SafetensorsFile {
  const op = 'io.safetensors.read';
  if (bytes.length < 8) throw new EdgegradError(op, `file truncated: ${bytes.length} bytes, the header length alone takes 8`, 'The file is incomplete');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(dv.getBigUint64(0, true));
  if (n > bytes.length - 8) throw new EdgegradError(op, `file truncated or not safetensors: header of ${n} bytes in a file of ${bytes.length}`, 'Check the file');
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw new EdgegradError(op, `bad header: not JSON (${(e as Error).message})`, 'This is not a safetensors file');
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) throw new EdgegradError(op, 'bad header: not a JSON object', 'This is not a safetensors file');
  const base = 8 + n;
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  const tensors: Record<string, Tensor> = {};
  try {
    for (const [name, raw] of Object.entries(header)) {
      if (name === '__metadata__') continue;
      const e = raw as { dtype: string; shape: number[]; data_offsets: [number, number] };
      if (!Object.hasOwn(SIZES, e?.dtype)) throw new EdgegradError(op, `tensor ${name} has dtype ${String(e?.dtype)}`, `Supported: ${Object.keys(SIZES).join(', ')}`);
      const dt = e.dtype as SafetensorsDType;
      const count = e.shape.reduce((a, b) => a * b, 1);
      const [b0, b1] = e.data_offsets;
      if (b1 - b0 !== count * SIZES[dt]) throw new EdgegradError(op, `tensor ${name} ${dt} ${fmtShape(e.shape)} spans ${b1 - b0} bytes, needs ${count * SIZES[dt]}`, 'The header is corrupt');
      if (base + b1 > bytes.length) throw new EdgegradError(op, `file truncated: tensor ${name} ends at byte ${base + b1} but the file has ${bytes.length}`, 'The download or copy is incomplete');
      tensors[name] = Tensor.make(engine.fromData(decode(dt, bytes.subarray(base + b0, base + b1), count), TARGET[dt]), e.shape);
    }
  } catch (e) {
    for (const t of Object.values(tensors)) t.dispose();
    throw e;
  }
  return { metadata, tensors };
}

function decode(dt: SafetensorsDType, b: Uint8Array, n: number): TypedArray {
  // the data section is not aligned for typed-array views in general: copy
  if (dt === 'U8') return b.slice();
  if (dt === 'F32' || dt === 'I32') {
    const out = dt === 'F32' ? new Float32Array(n) : new Int32Array(n);
    new Uint8Array(out.buffer).set(b);
    return out;
  }
  const out = new Float32Array(n), cv = dt === 'F16' ? halfToFloat : bf16ToFloat;
  for (let i = 0; i < n; i++) out[i] = cv(b[2 * i] | (b[2 * i + 1] << 8));
  return out;
}

/** An entry to write: a CPU tensor, a tensor with the stored dtype, or host data with its shape
 *  (what GPU tensors give with `await t.data()`). */
export type WriteEntry = Tensor | { tensor: Tensor; dtype: SafetensorsDType } | { data: TypedArray; shape: readonly number[]; dtype?: SafetensorsDType };

/** Serializes tensors (float32 as F32 unless a dtype says 'F16' or 'BF16') with string metadata. */
export function write(tensors: Record<string, WriteEntry>, metadata: Record<string, string> = {}): Uint8Array {
  const op = 'io.safetensors.write';
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) {
    for (const [k, v] of Object.entries(metadata)) if (typeof v !== 'string') throw new EdgegradError(op, `metadata ${k} is ${typeof v}`, 'safetensors metadata values are strings');
    header.__metadata__ = metadata;
  }
  const parts: { bytes: Uint8Array }[] = [];
  let off = 0;
  for (const [name, spec] of Object.entries(tensors)) {
    let data: TypedArray, shape: readonly number[], dt: SafetensorsDType | undefined;
    if (spec instanceof Tensor) { data = spec.dataSync(); shape = spec.shape; }
    else if (spec && 'tensor' in spec && spec.tensor instanceof Tensor) { data = spec.tensor.dataSync(); shape = spec.tensor.shape; dt = spec.dtype; }
    else if (spec && 'data' in spec && ArrayBuffer.isView(spec.data)) { data = spec.data; shape = spec.shape; dt = spec.dtype; }
    else throw new EdgegradError(op, `${name} is not a Tensor or { data, shape }`, 'Pass a record of tensors');
    const dtype: DType = data instanceof Int32Array ? 'int32' : data instanceof Uint8Array ? 'uint8' : 'float32';
    dt ??= dtype === 'int32' ? 'I32' : dtype === 'uint8' ? 'U8' : 'F32';
    if (!Object.hasOwn(SIZES, dt)) throw new EdgegradError(op, `${name}: unknown dtype ${String(dt)}`, `Use one of ${Object.keys(SIZES).join(', ')}`);
    if (TARGET[dt] !== dtype) throw new EdgegradError(op, `${name}: ${dtype} data cannot be stored as ${dt}`, 'Cast it first');
    if (shape.reduce((a, b) => a * b, 1) !== data.length) throw new EdgegradError(op, `${name}: ${data.length} values for shape ${fmtShape(shape)}`, 'Fix the shape');
    let bytes: Uint8Array;
    if (dt === 'F16' || dt === 'BF16') {
      const cv = dt === 'F16' ? floatToHalf : floatToBf16;
      bytes = new Uint8Array(data.length * 2);
      for (let i = 0; i < data.length; i++) { const h = cv(data[i]); bytes[2 * i] = h & 0xff; bytes[2 * i + 1] = h >> 8; }
    } else bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    header[name] = { dtype: dt, shape: [...shape], data_offsets: [off, off + bytes.length] };
    parts.push({ bytes });
    off += bytes.length;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  // pad the header with spaces so the data starts 8-aligned (as the reference writer does)
  const pad = (8 - (json.length % 8)) % 8;
  if (pad) json = new TextEncoder().encode(JSON.stringify(header) + ' '.repeat(pad));
  const out = new Uint8Array(8 + json.length + off);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let p = 8 + json.length;
  for (const { bytes } of parts) { out.set(bytes, p); p += bytes.length; }
  return out;
}
