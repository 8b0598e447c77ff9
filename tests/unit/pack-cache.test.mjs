// The wasm backend's PackCache (runtime/backends/wasm/pack-cache.ts) over a real Heap in a real
// WebAssembly.Memory: a copy on the second unchanged use only, per key, invalidated by a write
// (gen), least recently used dropped first at the cap, memory handed back on drop and clear.
// Needs `node scripts/build.mjs ts` first.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PackCache } from '../../build/tsc/runtime/backends/wasm/pack-cache.js';
import { Heap } from '../../build/tsc/runtime/backends/wasm/heap.js';

const KiB = 1024;
function setup(limitBytes) {
  const memory = new WebAssembly.Memory({ initial: 4 });
  const heap = new Heap(memory, 1024);
  const fills = [];
  const cache = new PackCache(heap, limitBytes);
  const handle = (bytes) => ({ ptr: heap.alloc(bytes), bytes, gen: 0 });
  // the fill writes a recognisable byte so a hit can be told from a fresh pack
  const get = (h, key, bytes, mark) => cache.get(h, key, bytes, (dst) => { fills.push(key); new Uint8Array(memory.buffer, dst, bytes).fill(mark); });
  return { memory, heap, cache, handle, get, fills };
}

test('copies on the second unchanged use, per key, and again after a write', () => {
  const { memory, handle, get, fills } = setup(1 << 20);
  const w = handle(4 * KiB);
  assert.is(get(w, 'a', 8 * KiB, 1), 0, 'first use: no copy');
  const p = get(w, 'a', 8 * KiB, 1);
  assert.ok(p > 0, 'second use: a copy');
  assert.is(new Uint8Array(memory.buffer, p, 8 * KiB).every((b) => b === 1), true, 'the copy was filled');
  assert.is(get(w, 'a', 8 * KiB, 2), p, 'third use: the same copy, not refilled');
  assert.equal(fills, ['a']);
  // another key on the same storage (W read transposed) is its own copy and keeps the first
  assert.is(get(w, 'b', 8 * KiB, 3), 0);
  const q = get(w, 'b', 8 * KiB, 3);
  assert.ok(q > 0 && q !== p);
  assert.is(get(w, 'a', 8 * KiB, 9), p, 'key a survives key b');
  // a write (gen bump) invalidates: no copy until it is seen twice unchanged again
  w.gen++;
  assert.is(get(w, 'a', 8 * KiB, 4), 0, 'after a write: first use again');
  const r = get(w, 'a', 8 * KiB, 4);
  assert.ok(r > 0);
  assert.is(new Uint8Array(memory.buffer, r, 8 * KiB).every((b) => b === 4), true, 'repacked from the new contents');
  assert.equal(fills, ['a', 'b', 'a']);
});

test('the cap drops the least recently used copy; larger requests are never cached', () => {
  const { handle, get, cache, fills } = setup(20 * KiB);
  const [x, y, z] = [handle(16), handle(16), handle(16)];
  for (const [h, k] of [[x, 'x'], [y, 'y']]) { get(h, k, 8 * KiB, 1); get(h, k, 8 * KiB, 1); }
  const px = get(x, 'x', 8 * KiB, 1); // x is now the most recently used
  assert.ok(px > 0);
  get(z, 'z', 8 * KiB, 1);
  assert.ok(get(z, 'z', 8 * KiB, 1) > 0, 'z cached, something dropped to fit');
  assert.equal(fills, ['x', 'y', 'z']);
  assert.is(get(x, 'x', 8 * KiB, 1), px, 'x (recently used) kept');
  assert.equal(fills, ['x', 'y', 'z'], 'x not refilled');
  assert.ok(get(y, 'y', 8 * KiB, 1) > 0);
  assert.equal(fills, ['x', 'y', 'z', 'y'], 'y (least recently used) had been dropped: packed again');
  const big = handle(16);
  get(big, 'big', 32 * KiB, 1);
  assert.is(get(big, 'big', 32 * KiB, 1), 0, 'over the cap: never cached');
  cache.clear();
  assert.ok(get(x, 'x', 8 * KiB, 1) > 0);
  assert.is(fills[fills.length - 1], 'x', 'clear() dropped x: packed again');
});

test('drop() and clear() give the memory back to the heap', () => {
  const { heap, handle, get, cache } = setup(1 << 20);
  const w = handle(16);
  get(w, 'k', 64 * KiB, 1);
  const p = get(w, 'k', 64 * KiB, 1);
  cache.drop(w);
  assert.is(heap.alloc(64 * KiB, false), p, 'the freed block is reused');
  const v = handle(16);
  get(v, 'k', 4 * KiB, 1);
  const q = get(v, 'k', 4 * KiB, 1);
  cache.clear();
  assert.is(heap.alloc(4 * KiB, false), q);
});

test.run();
