// The package as a user gets it: `npm pack` of this repository, installed with
// `npm install --offline <tarball>` into a fresh project (edgegrad has no dependencies, so
// nothing is fetched from a registry).
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
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }, null, 2));
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', pack().tarball], { cwd: dir, stdio: 'pipe' });
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), text);
  }
  return dir;
}
