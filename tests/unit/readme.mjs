// Code blocks of README.md by section, so tests run what the README shows.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../runners/common.mjs';

/**
 * The fenced blocks under the heading whose text starts with `title` (up to the next heading of
 * the same or a higher level), as [{ lang, code }]. Throws when the section or a block is missing.
 */
export function readmeBlocks(title, { file = join(ROOT, 'README.md'), lang } = {}) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const start = lines.findIndex((l) => /^#{2,4} /.test(l) && l.replace(/^#+ /, '').startsWith(title));
  if (start < 0) throw new Error(`README: no section '${title}'`);
  const level = lines[start].match(/^#+/)[0].length;
  const blocks = [];
  let cur = null;
  for (const l of lines.slice(start + 1)) {
    if (!cur && /^#{1,6} /.test(l) && l.match(/^#+/)[0].length <= level) break;
    const fence = l.match(/^```(\w*)/);
    if (fence && !cur) cur = { lang: fence[1], code: [] };
    else if (fence && cur) { blocks.push({ lang: cur.lang, code: cur.code.join('\n') }); cur = null; }
    else if (cur) cur.code.push(l);
  }
  const found = lang ? blocks.filter((b) => b.lang === lang) : blocks;
  if (!found.length) throw new Error(`README: section '${title}' has no ${lang ?? ''} code block`);
  return found;
}
