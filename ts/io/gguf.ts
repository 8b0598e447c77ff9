// GGUF v2/v3 (llama.cpp's model file): header, typed metadata, tensor infos, aligned data.
// Tensor shapes are given in edgegrad order: GGUF lists ne[0] (the contiguous axis) first,
// so shape = dims reversed and a weight reads [out, in].
import { EdgegradError, fmtShape } from '../../runtime/errors.js';
import { readBytes, writeBytes, type ByteSource, type ByteStream, type Progress } from '../../runtime/files.js';
import { GGML_TYPES, ggmlTypeById, isGGMLType, rowBytes, type GGMLType, type QuantType } from '../../runtime/ggml.js';
import { engine } from '../../runtime/engine.js';
import { dequantizeInto, decoders } from '../../runtime/backends/js/qmatmul.js';
import { Tensor } from '../tensor.js';
import { QuantizedTensor, fromGGML } from '../quant/qtensor.js';
import { encodeBlocks } from '../quant/ggml-blocks.js';
import { Reader, Writer } from './binary.js';

const MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
const DEFAULT_ALIGNMENT = 32;

/** GGUF metadata value types, by their id in the file. */
const VALUE_TYPES = ['uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'float32', 'bool', 'string', 'array', 'uint64', 'int64', 'float64'] as const;
export type GGUFValueType = (typeof VALUE_TYPES)[number];

export type GGUFValue = number | bigint | boolean | string | GGUFArray;
export type GGUFArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array
  | BigUint64Array | BigInt64Array | string[] | boolean[] | GGUFValue[][];

export interface GGUFTensorInfo {
  name: string;
  /** GGML type name, e.g. 'Q4_K'. */
  type: GGMLType;
  /** edgegrad order (GGUF dims reversed). */
  shape: number[];
  /** Offset from the start of the data section, as stored. */
  offset: number;
  /** Absolute byte offset in the file and the byte length. */
  dataOffset: number;
  byteLength: number;
}

export interface GGUFFile {
  version: number;
  metadata: Record<string, GGUFValue>;
  /** The stored type of each metadata value ('array' values: `arrayTypes`). */
  types: Record<string, GGUFValueType>;
  tensors: GGUFTensorInfo[];
  alignment: number;
}

// The file bytes each tensor info points into (kept off the plain object).
const fileOf = new WeakMap<GGUFTensorInfo, Uint8Array>();

export async function read(source: ByteSource, opts: { onProgress?: Progress } = {}): Promise<GGUFFile> {
  return parse(await readBytes('io.gguf.read', source, opts.onProgress));
}

const ARRAY_CTORS: Partial<Record<GGUFValueType, { new(n: number): GGUFArray; BYTES_PER_ELEMENT: number }>> = {
  uint8: Uint8Array, int8: Int8Array, uint16: Uint16Array, int16: Int16Array, uint32: Uint32Array, int32: Int32Array,
  float32: Float32Array, float64: Float64Array, uint64: BigUint64Array, int64: BigInt64Array,
};

/** Parses GGUF bytes; tensor data stays in `bytes` (not copied). */
export function parse(bytes: Uint8Array): GGUFFile {
  const op = 'io.gguf.read';
  const file = parseHeader(bytes, op);
  for (const t of file.tensors) {
    checkFits(op, t, bytes.length);
    fileOf.set(t, bytes);
  }
  return file;
}

function checkFits(op: string, t: GGUFTensorInfo, fileLength: number): void {
  if (t.dataOffset + t.byteLength > fileLength)
    throw new EdgegradError(op, `file truncated: tensor ${t.name} (${t.type} ${fmtShape(t.shape)}) ends at byte ${t.dataOffset + t.byteLength} but the file has ${fileLength}`, 'The download or copy is incomplete; fetch the file again');
}

const HEADER_READ = 1 << 16; // the first piece; it doubles until the header parses

/**
 * Reads a GGUF file front to back without holding it: the header first (read in growing
 * pieces until it parses), then each tensor's bytes in file order, handed to `onTensor` as a
 * tensor info of its own (usable with dequantize / quantized during the call only: its bytes
 * are reused for the next tensor). The returned file's tensors carry no bytes. Peak memory:
 * the header plus the largest tensor.
 */
export async function readStreamed(s: ByteStream, onTensor: (info: GGUFTensorInfo, own: GGUFTensorInfo) => void, op = 'io.gguf.read'): Promise<GGUFFile> {
  let head = new Uint8Array(0), ended = false;
  let file: GGUFFile;
  for (;;) {
    const more = new Uint8Array(Math.max(HEADER_READ, head.length)); // doubles the piece
    const n = await s.read(more);
    if (n < more.length) ended = true;
    const grown = new Uint8Array(head.length + n);
    grown.set(head);
    grown.set(more.subarray(0, n), head.length);
    head = grown;
    try { file = parseHeader(head, op, s.total || 2 ** 50); break; } catch (e) {
      if (ended || !(e instanceof EdgegradError) || !/file truncated/.test(e.message)) throw e;
    }
  }
  if (s.total) for (const t of file.tensors) checkFits(op, t, s.total);
  let pos = head.length, prevEnd = 0; // pos: the file offset of the stream's next byte
  // one buffer for every tensor in turn (as large as the largest): nothing per tensor is
  // left for the collector, which would otherwise hold up to a file's worth of garbage
  let buf = new Uint8Array(0);
  for (const t of [...file.tensors].sort((a, b) => a.dataOffset - b.dataOffset)) {
    if (t.dataOffset < prevEnd) throw new EdgegradError(op, `tensor ${t.name} overlaps the tensor before it`, 'The file is damaged');
    prevEnd = t.dataOffset + t.byteLength;
    if (buf.length < t.byteLength) buf = new Uint8Array(t.byteLength);
    const data = buf.subarray(0, t.byteLength);
    let filled = 0;
    if (t.dataOffset < head.length) { // still in the header piece
      const part = head.subarray(t.dataOffset, Math.min(head.length, t.dataOffset + t.byteLength));
      data.set(part);
      filled = part.length;
    }
    if (filled < t.byteLength) {
      for (let gap = t.dataOffset + filled - pos; gap > 0;) { // alignment padding
        const n = await s.read(new Uint8Array(Math.min(gap, HEADER_READ)));
        if (n === 0) break;
        gap -= n; pos += n;
      }
      const n = await s.read(data.subarray(filled));
      pos += n;
      if (filled + n < t.byteLength) checkFits(op, t, t.dataOffset + filled + n);
    }
    if (t.dataOffset + t.byteLength > head.length) head = new Uint8Array(0); // the header piece is used up
    const own = { ...t, dataOffset: 0 };
    fileOf.set(own, data);
    onTensor(t, own);
  }
  return file;
}

function parseHeader(bytes: Uint8Array, op: string, fileLength = bytes.length): GGUFFile {
  const r = new Reader(bytes, op, fileLength);
  if (bytes.length < 4 || r.u32('the magic') !== MAGIC) {
    const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new EdgegradError(op, `bad magic: expected "GGUF" (47 47 55 46), found ${head || 'an empty file'}`, 'This is not a GGUF file');
  }
  const version = r.u32('the version');
  if (version !== 2 && version !== 3)
    throw new EdgegradError(op, `unsupported GGUF version ${version}`, 'Only versions 2 and 3 are read; convert the file with a current llama.cpp');
  const nTensors = r.size('the tensor count'), nKV = r.size('the metadata count');
  const str = (w: string): string => r.string(r.size(`${w} length`), w);
  const value = (t: number, key: string): GGUFValue => {
    const name = VALUE_TYPES[t];
    switch (name) {
      case 'uint8': return r.u8(key); case 'int8': return r.i8(key);
      case 'uint16': return r.u16(key); case 'int16': return r.i16(key);
      case 'uint32': return r.u32(key); case 'int32': return r.i32(key);
      case 'float32': return r.f32(key); case 'float64': return r.f64(key);
      case 'uint64': return r.u64(key); case 'int64': return r.i64(key);
      case 'bool': { const b = r.u8(key); if (b > 1) throw new EdgegradError(op, `corrupt file: bool ${key} holds ${b}`, 'The file is damaged'); return b === 1; }
      case 'string': return str(key);
      case 'array': {
        const et = r.u32(`${key} element type`), n = r.size(`${key} length`);
        const en = VALUE_TYPES[et];
        if (en === undefined) throw new EdgegradError(op, `unknown metadata value type ${et} in array ${key}`, 'The file is damaged or from a newer GGUF');
        const Ctor = ARRAY_CTORS[en];
        if (Ctor) {
          const b = r.take(n * Ctor.BYTES_PER_ELEMENT, key);
          const out = new Ctor(n);
          new Uint8Array((out as Uint8Array).buffer).set(b);
          return out;
        }
        const out: GGUFValue[] = [];
        for (let i = 0; i < n; i++) out.push(value(et, key));
        return out as GGUFArray;
      }
      default: throw new EdgegradError(op, `unknown metadata value type ${t} for ${key}`, 'The file is damaged or from a newer GGUF');
    }
  };
  const metadata: Record<string, GGUFValue> = {};
  const types: Record<string, GGUFValueType> = {};
  for (let i = 0; i < nKV; i++) {
    const key = str('a metadata key');
    const t = r.u32(`the type of ${key}`);
    metadata[key] = value(t, key);
    types[key] = VALUE_TYPES[t];
  }
  const alignment = typeof metadata['general.alignment'] === 'number' ? metadata['general.alignment'] : DEFAULT_ALIGNMENT;
  if (!Number.isInteger(alignment) || alignment <= 0 || alignment % 8)
    throw new EdgegradError(op, `general.alignment is ${alignment}`, 'It must be a positive multiple of 8');
  const infos: GGUFTensorInfo[] = [];
  for (let i = 0; i < nTensors; i++) {
    const name = str('a tensor name');
    const nd = r.u32(`the rank of ${name}`);
    if (nd > 8) throw new EdgegradError(op, `corrupt file: tensor ${name} has ${nd} dimensions`, 'The file is damaged');
    const dims: number[] = [];
    for (let d = 0; d < nd; d++) dims.push(r.size(`a dimension of ${name}`));
    const tid = r.u32(`the type of ${name}`);
    const type = ggmlTypeById(tid);
    if (!type) throw new EdgegradError(op, `tensor ${name} has unknown GGML type id ${tid}`, `Known types: ${Object.keys(GGML_TYPES).join(', ')}`);
    const offset = r.size(`the offset of ${name}`);
    const shape = dims.reverse();
    const n = shape.reduce((a, b) => a * b, 1);
    if (shape.length && shape[shape.length - 1] % GGML_TYPES[type].block)
      throw new EdgegradError(op, `tensor ${name} ${fmtShape(shape)}: rows of ${type} must be a multiple of ${GGML_TYPES[type].block}`, 'The file is damaged');
    infos.push({ name, type, shape, offset, dataOffset: 0, byteLength: rowBytes(type, n) });
  }
  const dataStart = Math.ceil(r.pos / alignment) * alignment;
  for (const t of infos) t.dataOffset = dataStart + t.offset;
  return { version, metadata, types, tensors: infos, alignment };
}

/** The stored bytes of a tensor (a view into the file). */
export function tensorBytes(info: GGUFTensorInfo): Uint8Array {
  const b = fileOf.get(info);
  if (!b) throw new EdgegradError('io.gguf', `tensor info ${String(info?.name)} does not come from eg.io.gguf.read`, 'Pass an entry of read(...).tensors');
  return b.subarray(info.dataOffset, info.dataOffset + info.byteLength);
}

/** Whether dequantize() can decode this GGML type. */
export const decodable = (type: GGMLType): boolean => !!decoders[type];

/** float32 values of a tensor, bit-identical to ggml's dequantize_row_*. */
export function dequantize(info: GGUFTensorInfo): Tensor {
  const bytes = tensorBytes(info);
  if (!decoders[info.type])
    throw new EdgegradError('io.gguf.dequantize', `tensor ${info.name} has type ${info.type}, which edgegrad cannot decode`, `Decodable: ${Object.keys(decoders).join(', ')}`);
  const n = info.shape.reduce((a, b) => a * b, 1);
  // F32 is the bytes themselves (little-endian): uploaded from a view, without a decoded copy
  if (info.type === 'F32' && bytes.byteOffset % 4 === 0) return Tensor.make(engine.fromData(new Float32Array(bytes.buffer, bytes.byteOffset, n), 'float32'), info.shape);
  const out = new Float32Array(n);
  dequantizeInto(info.type, bytes, 0, out.length, out);
  return Tensor.make(engine.fromData(out, 'float32'), info.shape);
}

/** A 2-D block-quantized tensor as a packed QuantizedTensor (no dequantization). */
export function quantized(info: GGUFTensorInfo): QuantizedTensor {
  if (!GGML_TYPES[info.type].quantized || info.shape.length !== 2)
    throw new EdgegradError('io.gguf.quantized', `tensor ${info.name} is ${info.type} ${fmtShape(info.shape)}`, 'Only 2-D Q8_0/Q4_0/Q5_0/Q4_K/Q6_K/F16 tensors stay packed; use dequantize()');
  return fromGGML(info.type as QuantType, info.shape, tensorBytes(info));
}

// ---- writing -----------------------------------------------------------------

/** A metadata value with its GGUF type spelled out (e.g. float32 10000 for rope.freq_base). */
export interface Typed { type: GGUFValueType; value: GGUFValue; arrayType?: GGUFValueType }
export const typed = (type: GGUFValueType, value: GGUFValue, arrayType?: GGUFValueType): Typed => ({ type, value, arrayType });

export type WriteTensor = Tensor | QuantizedTensor | { tensor: Tensor | Float32Array; type?: GGMLType; shape?: readonly number[] };

export interface WriteInput {
  metadata?: Record<string, GGUFValue | Typed>;
  /** Stored types for plain values (read(...).types round-trips a file exactly). */
  types?: Record<string, GGUFValueType>;
  /** In file order; float tensors are encoded to `type` (default F32). */
  tensors: Record<string, WriteTensor>;
}

function inferType(v: GGUFValue): GGUFValueType {
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'bigint') return v < 0n ? 'int64' : 'uint64';
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) return 'float32';
    if (v >= 0 && v <= 0xffffffff) return 'uint32';
    if (v >= -0x80000000 && v < 0) return 'int32';
    return 'float64';
  }
  return 'array';
}

function elementType(a: GGUFArray): GGUFValueType {
  for (const [name, C] of Object.entries(ARRAY_CTORS)) if (a instanceof (C as unknown as Function)) return name as GGUFValueType;
  const arr = a as GGUFValue[];
  if (arr.every((e) => typeof e === 'string')) return 'string';
  if (arr.every((e) => typeof e === 'boolean')) return 'bool';
  if (arr.every((e) => Array.isArray(e) || ArrayBuffer.isView(e))) return 'array';
  if (arr.every((e) => typeof e === 'number')) return arr.every((e) => Number.isInteger(e)) ? (arr.some((e) => (e as number) < 0) ? 'int32' : 'uint32') : 'float32';
  throw new EdgegradError('io.gguf.write', 'an array mixes element kinds', 'GGUF arrays hold one type; use a typed array for numbers');
}

function writeValue(w: Writer, t: GGUFValueType, v: GGUFValue, key: string, et?: GGUFValueType): void {
  const bad = (): never => { throw new EdgegradError('io.gguf.write', `metadata ${key}: ${String(v)} is not a ${t}`, 'Pass a matching value or another type'); };
  switch (t) {
    case 'uint8': w.u8(Number(v)); break; case 'int8': w.i8(Number(v)); break;
    case 'uint16': w.u16(Number(v)); break; case 'int16': w.i16(Number(v)); break;
    case 'uint32': w.u32(Number(v)); break; case 'int32': w.i32(Number(v)); break;
    case 'float32': w.f32(Number(v)); break; case 'float64': w.f64(Number(v)); break;
    case 'uint64': w.u64(typeof v === 'bigint' ? v : BigInt(v as number)); break;
    case 'int64': w.i64(typeof v === 'bigint' ? v : BigInt(v as number)); break;
    case 'bool': if (typeof v !== 'boolean') bad(); w.u8(v ? 1 : 0); break;
    case 'string': { if (typeof v !== 'string') bad(); const b = w.str(v as string); w.u64(b.length); w.bytes(b); break; }
    case 'array': {
      if (!Array.isArray(v) && !ArrayBuffer.isView(v)) bad();
      const a = v as GGUFArray;
      const e = et ?? elementType(a);
      w.u32(VALUE_TYPES.indexOf(e));
      w.u64(a.length);
      for (let i = 0; i < a.length; i++) writeValue(w, e, (a as ArrayLike<GGUFValue>)[i], key);
      break;
    }
    default: bad();
  }
}

interface Planned { name: string; type: GGMLType; shape: readonly number[]; encode: (out: Uint8Array) => void; bytes: number }

async function plan(name: string, spec: WriteTensor): Promise<Planned> {
  const op = 'io.gguf.write';
  if (spec instanceof QuantizedTensor) {
    if (!isGGMLType(spec.type))
      throw new EdgegradError(op, `tensor ${name} is a ${spec.type} quantized tensor, which has no GGML block type`, 'Write its dequantize(), or eg.quant.quantizeGGML(that, type)');
    const b = await spec.bytes();
    return { name, type: spec.type, shape: spec.shape, bytes: b.length, encode: (o) => o.set(b) };
  }
  const t = spec instanceof Tensor ? spec : spec.tensor;
  const type: GGMLType = spec instanceof Tensor ? (spec.dtype === 'int32' ? 'I32' : 'F32') : spec.type ?? 'F32';
  if (!isGGMLType(type)) throw new EdgegradError(op, `tensor ${name}: unknown type ${String(type)}`, `Use one of ${Object.keys(GGML_TYPES).join(', ')}`);
  const shape = t instanceof Tensor ? t.shape : (spec as { shape?: readonly number[] }).shape;
  if (!shape) throw new EdgegradError(op, `tensor ${name}: a Float32Array needs a shape`, 'Pass { tensor, type, shape }');
  const data = t instanceof Tensor ? await t.data() : t;
  const n = shape.reduce((a, b) => a * b, 1);
  if (data.length !== n) throw new EdgegradError(op, `tensor ${name}: ${data.length} values for shape ${fmtShape(shape)}`, 'Fix the shape');
  const block = GGML_TYPES[type].block;
  if (shape.length && shape[shape.length - 1] % block)
    throw new EdgegradError(op, `tensor ${name} ${fmtShape(shape)}: ${type} needs rows that are a multiple of ${block}`, 'Pick a 32-block type (Q8_0, Q5_0, Q4_0) or F32/F16 for this tensor');
  const bytes = rowBytes(type, n);
  if (type === 'I32') {
    if (!(data instanceof Int32Array)) throw new EdgegradError(op, `tensor ${name}: I32 needs int32 data`, "Cast with .cast('int32')");
    return { name, type, shape, bytes, encode: (o) => o.set(new Uint8Array(data.buffer, data.byteOffset, bytes)) };
  }
  if (!(data instanceof Float32Array)) throw new EdgegradError(op, `tensor ${name}: ${type} needs float32 data`, "Cast with .cast('float32')");
  if (type !== 'F32' && !decoders[type]) throw new EdgegradError(op, `tensor ${name}: edgegrad cannot encode ${type}`, 'Use F32, F16, BF16, Q8_0, Q4_0, Q5_0, Q4_K or Q6_K');
  if (type === 'F32') return { name, type, shape, bytes, encode: (o) => o.set(new Uint8Array(data.buffer, data.byteOffset, bytes)) };
  return { name, type, shape, bytes, encode: (o) => { encodeBlocks(type, data, o); } };
}

/** Builds a GGUF v3 file; writes it to `path` (Node/Deno), or returns the bytes when path is null. */
export async function write(path: string | URL | null, input: WriteInput): Promise<Uint8Array | undefined> {
  const op = 'io.gguf.write';
  if (!input || typeof input.tensors !== 'object') throw new EdgegradError(op, 'expected { metadata, tensors }', 'Pass tensors as a record of name -> tensor');
  const meta = input.metadata ?? {};
  const alignment = typeof meta['general.alignment'] === 'number' ? meta['general.alignment'] : DEFAULT_ALIGNMENT;
  const planned: Planned[] = [];
  for (const [name, spec] of Object.entries(input.tensors)) planned.push(await plan(name, spec));
  const w = new Writer();
  w.u32(MAGIC);
  w.u32(3);
  w.u64(planned.length);
  w.u64(Object.keys(meta).length);
  for (const [key, raw] of Object.entries(meta)) {
    const isTyped = raw !== null && typeof raw === 'object' && !Array.isArray(raw) && !ArrayBuffer.isView(raw);
    const v = isTyped ? (raw as Typed).value : (raw as GGUFValue);
    const t = isTyped ? (raw as Typed).type : input.types?.[key] ?? inferType(v);
    if (!VALUE_TYPES.includes(t)) throw new EdgegradError(op, `metadata ${key}: unknown type ${String(t)}`, `Use one of ${VALUE_TYPES.join(', ')}`);
    const kb = w.str(key);
    w.u64(kb.length);
    w.bytes(kb);
    w.u32(VALUE_TYPES.indexOf(t));
    writeValue(w, t, v, key, isTyped ? (raw as Typed).arrayType : undefined);
  }
  let offset = 0;
  const offsets: number[] = [];
  for (const p of planned) {
    const nb = w.str(p.name);
    w.u64(nb.length);
    w.bytes(nb);
    w.u32(p.shape.length);
    for (let d = p.shape.length - 1; d >= 0; d--) w.u64(p.shape[d]);
    w.u32(GGML_TYPES[p.type].id);
    w.u64(offset);
    offsets.push(offset);
    offset = Math.ceil((offset + p.bytes) / alignment) * alignment;
  }
  w.pad(alignment);
  const header = w.result();
  const out = new Uint8Array(header.length + offset);
  out.set(header);
  planned.forEach((p, i) => p.encode(out.subarray(header.length + offsets[i], header.length + offsets[i] + p.bytes)));
  if (path === null) return out;
  await writeBytes(op, path, out);
  return undefined;
}
