// The app icon as PNG (install prompts want 192 and 512 px bitmaps), drawn from the same
// shapes as icon.svg: a rounded navy square, a falling red loss curve, two pale points.
import { deflateSync } from 'node:zlib';

const NAVY = [0x1d, 0x35, 0x57], RED = [0xe6, 0x39, 0x46], PALE = [0xa8, 0xda, 0xdc];

/** The cubic Bezier of icon.svg (viewBox 64) as a polyline. */
const CURVE = Array.from({ length: 65 }, (_, i) => {
  const t = i / 64, u = 1 - t;
  const p = [[10, 14], [22, 50], [36, 52], [54, 50]];
  const w = [u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t];
  return [0, 1].map((d) => w.reduce((s, wi, j) => s + wi * p[j][d], 0));
});

// each segment with its bounding box grown by the stroke's half width, for a cheap first test
const SEGMENTS = CURVE.slice(1).map((b, i) => {
  const a = CURVE[i];
  return [a, b, Math.min(a[0], b[0]) - 2.5, Math.max(a[0], b[0]) + 2.5, Math.min(a[1], b[1]) - 2.5, Math.max(a[1], b[1]) + 2.5];
});

function segDist(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.sqrt((px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2);
}

function colourAt(x, y) {
  // rounded corners (rx 12): outside them the icon is transparent
  const cx = Math.min(Math.max(x, 12), 52), cy = Math.min(Math.max(y, 12), 52);
  if ((x - cx) ** 2 + (y - cy) ** 2 > 144) return null;
  if ((x - 22) ** 2 + (y - 38) ** 2 <= 16 || (x - 40) ** 2 + (y - 46) ** 2 <= 16) return PALE;
  for (const [a, b, x0, x1, y0, y1] of SEGMENTS) if (x >= x0 && x <= x1 && y >= y0 && y <= y1 && segDist(x, y, a, b) <= 2.5) return RED;
  return NAVY;
}

const CRC = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
const crc32 = (buf) => { let c = 0xffffffff; for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

const made = new Map(); // size -> PNG: a rebuild in the same process draws nothing again

/** An RGBA PNG of the icon, size x size pixels, 2x2 supersampled. */
export function iconPng(size) {
  if (!made.has(size)) made.set(size, draw(size));
  return made.get(size);
}

function draw(size) {
  const raw = Buffer.alloc(size * (4 * size + 1));
  for (let py = 0; py < size; py++) {
    raw[py * (4 * size + 1)] = 0; // filter: none
    for (let px = 0; px < size; px++) {
      const acc = [0, 0, 0, 0];
      for (const [ox, oy] of [[0.25, 0.25], [0.75, 0.25], [0.25, 0.75], [0.75, 0.75]]) {
        const c = colourAt(((px + ox) * 64) / size, ((py + oy) * 64) / size);
        if (c) { acc[0] += c[0]; acc[1] += c[1]; acc[2] += c[2]; acc[3] += 255; }
      }
      const n = acc[3] / 255;
      raw.set(n ? [acc[0] / n, acc[1] / n, acc[2] / n, acc[3] / 4].map(Math.round) : [0, 0, 0, 0], py * (4 * size + 1) + 1 + 4 * px);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0); ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
