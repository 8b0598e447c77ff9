// The package as a user gets it: `npm pack` of this repository, unpacked into a fresh
// project's node_modules/edgegrad (no registry: edgegrad has no dependencies to fetch).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, freshTmp } from '../runners/common.mjs';

let packed = null;
/** npm pack, once per process: { tarball, size (bytes packed), unpackedSize, files: [paths] }. */
export function pack() {
  if (packed) return packed;
  const dir = freshTmp('pack');
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const [info] = JSON.parse(out);
  packed = { tarball: join(dir, info.filename), size: info.size, unpackedSize: info.unpackedSize, files: info.files.map((f) => f.path) };
  return packed;
}

/** A fresh project folder with the packed edgegrad in node_modules and the given files. */
export function freshProject(name, files = {}) {
  const dir = freshTmp(name);
  const pkg = join(dir, 'node_modules', 'edgegrad');
  mkdirSync(pkg, { recursive: true });
  execFileSync('tar', ['-xzf', pack().tarball, '-C', pkg, '--strip-components=1']);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, type: 'module', dependencies: { edgegrad: `file:${pack().tarball}` } }, null, 2));
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), text);
  }
  return dir;
}
