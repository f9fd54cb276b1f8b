// The re-scan figure needs one file of the tree changed without touching the user's tree. The benchmark
// therefore scans a mirror made of hard links (`cp -al`: seconds, no extra disk, shared page cache) and
// replaces one file of the mirror by a new inode; the original file behind the hard link is never written.
import { createHash } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';

const COMPLETE = '.dmalens-mirror-complete';

export function ensureMirror(tree, cacheDir, log) {
  const mirror = join(cacheDir, 'bench-mirror', createHash('sha1').update(tree).digest('hex').slice(0, 12));
  if (existsSync(join(mirror, COMPLETE))) return mirror;
  rmSync(mirror, { recursive: true, force: true });
  mkdirSync(dirname(mirror), { recursive: true });
  const partial = `${mirror}.partial`;
  rmSync(partial, { recursive: true, force: true });
  log(`making a hard-link mirror of ${tree} at ${mirror} (once)`);
  let result = spawnSync('cp', ['-al', tree, partial], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (result.status !== 0) {
    // Hard links cannot cross file systems; a real copy works everywhere but costs the disk space.
    log(`hard links failed (${result.stderr.toString().trim().split('\n')[0]}); copying instead`);
    rmSync(partial, { recursive: true, force: true });
    result = spawnSync('cp', ['-a', tree, partial], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (result.status !== 0) throw new Error(`cannot mirror ${tree} into ${partial}`);
  }
  writeFileSync(join(partial, COMPLETE), `mirror of ${tree}\n`);
  renameSync(partial, mirror);
  return mirror;
}

/** Replaces `relativePath` in the mirror by a new file: the original plus a new function with a DMA call. */
export function changeOneFile(tree, mirror, relativePath, round) {
  const target = join(mirror, relativePath);
  const original = readFileSync(join(tree, relativePath), 'utf8');
  const added = `\n/* dmalens benchmark edit ${round} */\nstatic dma_addr_t dmalens_bench_map_${round}(struct device *dev, void *buf)\n{\n\treturn dma_map_single(dev, buf, ${64 + round}, DMA_TO_DEVICE);\n}\n`;
  // Unlink first: writing through the hard link would change the user's tree.
  unlinkSync(target);
  writeFileSync(target, original + added);
}

/** Puts the hard link back, so the mirror equals the tree again. */
export function restoreFile(tree, mirror, relativePath) {
  const target = join(mirror, relativePath);
  rmSync(target, { force: true });
  try {
    linkSync(join(tree, relativePath), target);
  } catch {
    writeFileSync(target, readFileSync(join(tree, relativePath)));
  }
}
