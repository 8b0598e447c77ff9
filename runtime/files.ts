// Bytes from wherever a model comes from: memory, a Response (streamed with progress),
// an http(s) URL (fetch), or a file path / file: URL (the platform's file system).
import { platform } from './platform.js';
import { EdgegradError } from './errors.js';

export type ByteSource = ArrayBuffer | Uint8Array | Response | URL | string;
export type Progress = (loaded: number, total: number) => void;

export async function readBytes(op: string, source: ByteSource, onProgress?: Progress): Promise<Uint8Array> {
  if (source instanceof Uint8Array) { onProgress?.(source.length, source.length); return source; }
  if (source instanceof ArrayBuffer) { onProgress?.(source.byteLength, source.byteLength); return new Uint8Array(source); }
  if (typeof Response !== 'undefined' && source instanceof Response) return fromResponse(op, source, onProgress);
  if (typeof source === 'string' || source instanceof URL) {
    const url = toUrl(op, source);
    if (url.protocol === 'file:') {
      const p = platform();
      if (!p.readFile) throw new EdgegradError(op, `cannot read ${url.href}: this runtime (${p.name}) has no file system`, 'Pass the bytes, a Response or an http(s) URL');
      let bytes: Uint8Array;
      try { bytes = await p.readFile(url); } catch (e) {
        throw new EdgegradError(op, `cannot read ${url.pathname}: ${(e as Error).message}`, 'Check the path');
      }
      onProgress?.(bytes.length, bytes.length);
      return bytes;
    }
    return fromResponse(op, await fetch(url), onProgress);
  }
  throw new EdgegradError(op, `unsupported source ${Object.prototype.toString.call(source)}`, 'Pass an ArrayBuffer, Uint8Array, Response, URL or a path');
}

export async function writeBytes(op: string, path: string | URL, bytes: Uint8Array): Promise<void> {
  const p = platform();
  if (!p.writeFile) throw new EdgegradError(op, `this runtime (${p.name}) cannot write files`, 'Pass null as the path to get the bytes');
  await p.writeFile(toUrl(op, path), bytes);
}

/** Paths resolve against the page (browser) or the working directory (Node, Deno). */
function toUrl(op: string, s: string | URL): URL {
  if (s instanceof URL) return s;
  try { return new URL(s); } catch { /* a path */ }
  const p = platform();
  const base = p.baseUrl?.();
  if (!base) throw new EdgegradError(op, `cannot resolve the path '${s}': this runtime (${p.name}) has no page or working directory`, 'Pass an absolute URL, a Response or the bytes');
  return new URL(s, base);
}

/** Streams the body into one buffer of the announced size (no second full copy). */
async function fromResponse(op: string, r: Response, onProgress?: Progress): Promise<Uint8Array> {
  if (!r.ok) throw new EdgegradError(op, `HTTP ${r.status} ${r.statusText} (${r.url})`, 'Check the URL');
  const total = Number(r.headers.get('content-length') ?? 0);
  if (!r.body) { const b = new Uint8Array(await r.arrayBuffer()); onProgress?.(b.length, b.length); return b; }
  let buf = new Uint8Array(total || 1 << 20), n = 0;
  const reader = r.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (n + value.length > buf.length) {
      const grown = new Uint8Array(Math.max(buf.length * 2, n + value.length));
      grown.set(buf.subarray(0, n));
      buf = grown;
    }
    buf.set(value, n);
    n += value.length;
    onProgress?.(n, total || n);
  }
  return n === buf.length ? buf : buf.subarray(0, n);
}

/** A source read front to back, piece by piece, without holding all of it. */
export interface ByteStream {
  /** The announced size in bytes (0 when unknown). */
  readonly total: number;
  /** Fills `into` with the next bytes; resolves to how many (fewer only at the end). */
  read(into: Uint8Array): Promise<number>;
  close(): Promise<void>;
}

/**
 * The source as a ByteStream when it is not already in memory (a Response, an http(s) URL, a
 * file path on Node/Deno), or the bytes themselves when it is. Progress is reported per read.
 */
export async function openStream(op: string, source: ByteSource, onProgress?: Progress): Promise<ByteStream | Uint8Array> {
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) return readBytes(op, source, onProgress);
  let url: URL | null = null;
  if (typeof source === 'string' || source instanceof URL) url = toUrl(op, source);
  if (url?.protocol === 'file:') {
    const p = platform();
    if (!p.openFile) return readBytes(op, url, onProgress);
    let f;
    try { f = await p.openFile(url); } catch (e) {
      throw new EdgegradError(op, `cannot read ${url.pathname}: ${(e as Error).message}`, 'Check the path');
    }
    const file = f;
    let pos = 0;
    return {
      total: file.size,
      async read(into) { const n = await file.read(into, pos); pos += n; onProgress?.(pos, file.size); return n; },
      close: () => file.close(),
    };
  }
  const r = url ? await fetch(url) : source as Response;
  if (typeof Response === 'undefined' || !(r instanceof Response)) return readBytes(op, source, onProgress);
  if (!r.ok) throw new EdgegradError(op, `HTTP ${r.status} ${r.statusText} (${r.url})`, 'Check the URL');
  if (!r.body) return readBytes(op, r, onProgress);
  const total = Number(r.headers.get('content-length') ?? 0);
  const reader = r.body.getReader();
  let rest = new Uint8Array(0), seen = 0;
  return {
    total,
    async read(into) {
      let n = 0;
      while (n < into.length) {
        if (!rest.length) {
          const { done, value } = await reader.read();
          if (done) break;
          rest = value;
          seen += value.length;
          onProgress?.(seen, total || seen);
        }
        const k = Math.min(rest.length, into.length - n);
        into.set(rest.subarray(0, k), n);
        rest = rest.subarray(k);
        n += k;
      }
      return n;
    },
    async close() { await reader.cancel().catch(() => {}); },
  };
}
