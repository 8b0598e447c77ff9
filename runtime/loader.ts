// Turns whatever the user hands init({ wasm }) into a WebAssembly.Module, the way
// wasm-pack's `--target web` init() does. Each quirk is handled where it arises.
import { platform, type WasmSource } from './platform.js';
import { EdgegradError } from './errors.js';

export async function toModule(source: WasmSource): Promise<WebAssembly.Module> {
  const src = await source;
  if (src instanceof WebAssembly.Module) return src;
  if (typeof src === 'string' || src instanceof URL) {
    const url = toUrl(src);
    const p = platform();
    // fetch() of file: URLs is unsupported in Node and needs permissions in Deno.
    if (url.protocol === 'file:') {
      if (!p.readFile) throw new EdgegradError('init', `cannot read ${url.href}: this runtime (${p.name}) has no file system`, 'Pass the .wasm as a WebAssembly.Module, a Response or its bytes');
      let bytes: Uint8Array<ArrayBuffer>;
      try { bytes = await p.readFile(url); } catch (e) {
        // Node: code ENOENT; Deno: Deno.errors.NotFound.
        const missing = (e as { code?: string }).code === 'ENOENT' || (e as Error).name === 'NotFound';
        throw new EdgegradError('init', missing ? `not found at ${url.href}` : `reading ${url.href} failed: ${(e as Error).message}`, FIX);
      }
      return compileBytes(bytes);
    }
    let r: Response;
    try { r = await fetch(url); } catch (e) {
      throw new EdgegradError('init', `could not fetch ${url.href}: ${(e as Error).message}`, FIX);
    }
    return fromResponse(r, url.href);
  }
  if (typeof Response !== 'undefined' && src instanceof Response) return fromResponse(src);
  if (typeof Request !== 'undefined' && src instanceof Request) return fromResponse(await fetch(src), src.url);
  if (src instanceof ArrayBuffer || ArrayBuffer.isView(src)) return compileBytes(src as BufferSource);
  throw new EdgegradError('init', `unsupported wasm source (${Object.prototype.toString.call(src)})`, 'Pass a URL, path string, Request, Response, BufferSource or WebAssembly.Module');
}

const FIX = 'Check the URL, or pass the module or its bytes directly';

/** A path string is relative to the page in a browser (what a bundler's `?url` import gives)
 *  and to the working directory in Node and Deno; an absolute URL stays as it is. */
function toUrl(s: string | URL): URL {
  if (s instanceof URL) return s;
  try { return new URL(s); } catch { /* a path */ }
  const p = platform();
  const base = p.baseUrl?.();
  if (!base) throw new EdgegradError('init', `cannot resolve the path '${s}': this runtime (${p.name}) has no page or working directory`, 'Pass an absolute URL, a Response, the bytes or a WebAssembly.Module');
  return new URL(s, base);
}

async function fromResponse(r: Response, asked?: string): Promise<WebAssembly.Module> {
  const where = r.url || asked || '(a Response)';
  if (r.status === 404) throw new EdgegradError('init', `not found at ${where} (HTTP 404)`, FIX);
  if (!r.ok) throw new EdgegradError('init', `fetching the wasm failed: HTTP ${r.status} ${r.statusText} (${where})`, FIX);
  // compileStreaming insists on the application/wasm MIME type; many static servers
  // get it wrong, so fall back to bytes (what wasm-pack does too).
  if (WebAssembly.compileStreaming && r.headers.get('content-type')?.startsWith('application/wasm')) {
    try { return await WebAssembly.compileStreaming(r.clone()); } catch { /* fall through */ }
  }
  return compileBytes(await r.arrayBuffer());
}

async function compileBytes(b: BufferSource): Promise<WebAssembly.Module> {
  if (!platform().canCompileBytes)
    throw new EdgegradError('init', `this runtime (${platform().name}) forbids compiling WebAssembly from bytes`, "Import the .wasm as a module (`import m from 'edgegrad/edgegrad.wasm'`) and pass init({ wasm: m })");
  return WebAssembly.compile(b);
}

export function compileSync(b: BufferSource | WebAssembly.Module): WebAssembly.Module {
  return b instanceof WebAssembly.Module ? b : new WebAssembly.Module(b);
}
