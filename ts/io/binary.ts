// Little-endian cursors over bytes with bounds checks that name the file kind.
import { EdgegradError } from '../../runtime/errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: false });
const utf8Enc = new TextEncoder();

export class Reader {
  pos = 0;
  readonly dv: DataView;
  /** fileLength: the whole file's size when `bytes` is only its beginning (a streamed header). */
  constructor(readonly bytes: Uint8Array, readonly op: string, readonly fileLength = bytes.length) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(n: number, what: string): void {
    if (this.pos + n > this.bytes.length)
      throw new EdgegradError(this.op, `file truncated: ${what} needs ${n} bytes at offset ${this.pos} but the file has ${this.bytes.length}`, 'The download or copy is incomplete; fetch the file again');
  }
  u8(w = 'a u8'): number { this.need(1, w); return this.dv.getUint8(this.pos++); }
  i8(w = 'an i8'): number { this.need(1, w); return this.dv.getInt8(this.pos++); }
  u16(w = 'a u16'): number { this.need(2, w); const v = this.dv.getUint16(this.pos, true); this.pos += 2; return v; }
  i16(w = 'an i16'): number { this.need(2, w); const v = this.dv.getInt16(this.pos, true); this.pos += 2; return v; }
  u32(w = 'a u32'): number { this.need(4, w); const v = this.dv.getUint32(this.pos, true); this.pos += 4; return v; }
  i32(w = 'an i32'): number { this.need(4, w); const v = this.dv.getInt32(this.pos, true); this.pos += 4; return v; }
  f32(w = 'an f32'): number { this.need(4, w); const v = this.dv.getFloat32(this.pos, true); this.pos += 4; return v; }
  f64(w = 'an f64'): number { this.need(8, w); const v = this.dv.getFloat64(this.pos, true); this.pos += 8; return v; }
  u64(w = 'a u64'): bigint { this.need(8, w); const v = this.dv.getBigUint64(this.pos, true); this.pos += 8; return v; }
  i64(w = 'an i64'): bigint { this.need(8, w); const v = this.dv.getBigInt64(this.pos, true); this.pos += 8; return v; }
  /** A u64 count or size that must fit a JS number (and the file). */
  size(w: string): number {
    const v = this.u64(w);
    if (v > BigInt(this.fileLength) * 8n + 1024n)
      throw new EdgegradError(this.op, `corrupt file: ${w} is ${v} at offset ${this.pos - 8}, more than the file could hold`, 'The file is damaged or not of this format');
    return Number(v);
  }
  take(n: number, w: string): Uint8Array { this.need(n, w); const b = this.bytes.subarray(this.pos, this.pos + n); this.pos += n; return b; }
  string(n: number, w: string): string { return utf8.decode(this.take(n, w)); }
}

export class Writer {
  private buf = new Uint8Array(1 << 16);
  private dv = new DataView(this.buf.buffer);
  pos = 0;
  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const b = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    b.set(this.buf.subarray(0, this.pos));
    this.buf = b;
    this.dv = new DataView(b.buffer);
  }
  u8(v: number): void { this.ensure(1); this.dv.setUint8(this.pos++, v); }
  i8(v: number): void { this.ensure(1); this.dv.setInt8(this.pos++, v); }
  u16(v: number): void { this.ensure(2); this.dv.setUint16(this.pos, v, true); this.pos += 2; }
  i16(v: number): void { this.ensure(2); this.dv.setInt16(this.pos, v, true); this.pos += 2; }
  u32(v: number): void { this.ensure(4); this.dv.setUint32(this.pos, v, true); this.pos += 4; }
  i32(v: number): void { this.ensure(4); this.dv.setInt32(this.pos, v, true); this.pos += 4; }
  f32(v: number): void { this.ensure(4); this.dv.setFloat32(this.pos, v, true); this.pos += 4; }
  f64(v: number): void { this.ensure(8); this.dv.setFloat64(this.pos, v, true); this.pos += 8; }
  u64(v: bigint | number): void { this.ensure(8); this.dv.setBigUint64(this.pos, BigInt(v), true); this.pos += 8; }
  i64(v: bigint | number): void { this.ensure(8); this.dv.setBigInt64(this.pos, BigInt(v), true); this.pos += 8; }
  bytes(b: Uint8Array): void { this.ensure(b.length); this.buf.set(b, this.pos); this.pos += b.length; }
  str(s: string): Uint8Array { return utf8Enc.encode(s); }
  pad(align: number): void { const n = (align - (this.pos % align)) % align; this.ensure(n); this.buf.fill(0, this.pos, this.pos + n); this.pos += n; }
  result(): Uint8Array { return this.buf.slice(0, this.pos); }
}
