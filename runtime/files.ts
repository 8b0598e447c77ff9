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
