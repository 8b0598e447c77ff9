// A JS-side allocator over the wasm linear memory: a bump pointer plus free lists per
// size class. Classes are multiples of 16 bytes (SIMD loads stay aligned) and at most
// 25% larger than the request, so freed blocks get reused without a general-purpose malloc.

const PAGE = 65536;

export function sizeClass(bytes: number): number {
  if (bytes <= 64) return Math.max(16, (bytes + 15) & ~15);
  const step = 2 ** Math.floor(Math.log2(bytes)) / 4;
  return Math.ceil(bytes / step) * step;
}

export class Heap {
  private top: number;
  /** Highest address ever handed out: memory above it has never been written. */
  private highWater: number;
  private readonly lists = new Map<number, number[]>();

  constructor(readonly memory: WebAssembly.Memory, base: number) {
    this.top = this.highWater = (base + 15) & ~15;
  }

  /** Address of a block of at least `bytes` bytes, zero-filled unless `zero` is false
   *  (kernel outputs are written whole; clearing them would cost a pass over memory). */
  alloc(bytes: number, zero = true): number {
    const cls = sizeClass(bytes);
    const reuse = this.lists.get(cls)?.pop();
    if (reuse !== undefined) {
      if (zero) new Uint8Array(this.memory.buffer, reuse, cls).fill(0);
      return reuse;
    }
    const ptr = this.top, end = ptr + cls;
    this.reserve(end);
    // blocks given back at the top left dirty memory below the high-water mark
    if (zero && ptr < this.highWater) new Uint8Array(this.memory.buffer, ptr, Math.min(end, this.highWater) - ptr).fill(0);
    this.top = end;
    this.highWater = Math.max(this.highWater, end);
    return ptr;
  }

  release(ptr: number, bytes: number): void {
    const cls = sizeClass(bytes);
    if (ptr + cls === this.top) { this.top = ptr; return; } // back to the bump region
    let list = this.lists.get(cls);
    if (!list) this.lists.set(cls, (list = []));
    list.push(ptr);
  }

  private reserve(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const need = Math.ceil((end - have) / PAGE);
    // grow by at least a quarter of the current size: each grow may move the buffer
    const pages = Math.max(need, Math.ceil(have / PAGE / 4));
    try {
      this.memory.grow(pages);
    } catch {
      try { this.memory.grow(need); } catch {
        throw new RangeError(`wasm backend: out of memory growing the heap to ${end} bytes; dispose tensors that are no longer needed`);
      }
    }
  }
}
