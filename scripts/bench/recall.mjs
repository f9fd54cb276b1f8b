// Recall against Coccinelle (spatch), the kernel community's semantic matcher, and the check that no
// site is reported inside a comment or a string. spatch takes minutes, so its result is cached per tree,
// semantic patch and spatch version.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { measure } from './measure.mjs';
import { codeMask, lineStarts, macroLines } from './c-lexer.mjs';

export const RECALL_NAMES = [
  'dma_map_single',
  'dma_map_page',
  'dma_map_sg',
  'dma_alloc_coherent',
  'dma_unmap_single',
  'virtqueue_add_sgs',
];
export const RECALL_DIRS = ['drivers/net', 'drivers/virtio', 'drivers/block'];

export function spatchVersion() {
  const result = spawnSync('spatch', ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.split('\n')[0].trim() : null;
}

/** Runs the semantic patch over each directory (cwd = tree, so reported paths are tree-relative). */
export async function runCoccinelle({ tree, cocciFile, cacheDir, jobs, nice, log }) {
  const version = spatchVersion();
  if (!version) return null;
  const key = createHash('sha1')
    .update(JSON.stringify([tree, RECALL_DIRS, readFileSync(cocciFile, 'utf8'), version]))
    .digest('hex')
    .slice(0, 16);
  const cacheFile = join(cacheDir, `bench-coccinelle-${key}.json`);
  if (existsSync(cacheFile)) return { ...JSON.parse(readFileSync(cacheFile, 'utf8')), cached: true };
  const sites = [];
  let wallMs = 0;
  let rssKb = 0;
  for (const dir of RECALL_DIRS) {
    log(`running Coccinelle on ${dir} (takes a minute or more; cached afterwards)`);
    const args = [
      '--sp-file',
      cocciFile,
      '--dir',
      dir,
      '--include-headers',
      '--no-includes',
      '--jobs',
      String(jobs),
      '--very-quiet',
    ];
    const run = await measure('spatch', args, { cwd: tree, keepStdout: true, nice });
    if (run.exitCode !== 0)
      throw new Error(`spatch failed on ${dir} (exit ${run.exitCode}): ${run.stderr.slice(-400)}`);
    wallMs += run.wallMs;
    rssKb = Math.max(rssKb, run.rssKb);
    for (const line of run.stdout.split('\n')) {
      const match = /^DMALENS_SITE (.+):(\d+):(\d+):(\w+)$/.exec(line.trim());
      if (match)
        sites.push({
          file: match[1].replace(/^\.\//, ''),
          line: Number(match[2]),
          column: Number(match[3]),
          name: match[4],
        });
    }
  }
  const result = { version, wallMs, rssKb, sites };
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(cacheFile, JSON.stringify(result));
  return { ...result, cached: false };
}

function key(site) {
  return `${site.file}:${site.line}:${site.name}`;
}

/** Our sites of the recall names under the recall directories, from the scan's JSON report. */
export function ourRecallSites(report, tree) {
  const sites = [];
  for (const file of report.files) {
    const path = relative(tree, file.path);
    if (!RECALL_DIRS.some((dir) => path.startsWith(`${dir}/`))) continue;
    for (const site of file.sites) {
      if (RECALL_NAMES.includes(site.api))
        sites.push({
          file: path,
          line: site.nameRange.start.line + 1,
          column: site.nameRange.start.character,
          name: site.api,
        });
    }
  }
  return sites;
}

/** Matches the two site lists by file, line and name, and sorts every disagreement into a class. */
export function compareSites(ours, theirs, tree) {
  const remaining = new Map();
  for (const site of ours) remaining.set(key(site), [...(remaining.get(key(site)) ?? []), site]);
  const missed = [];
  const columnDiffers = [];
  let matched = 0;
  for (const site of theirs) {
    const list = remaining.get(key(site));
    if (list?.length) {
      // Both count columns from 0 in characters (a tab is one), so a matched pair should agree exactly.
      const index = Math.max(
        0,
        list.findIndex((ours) => ours.column === site.column),
      );
      const [ours] = list.splice(index, 1);
      if (ours.column !== site.column)
        columnDiffers.push(
          `${site.file}:${site.line} ${site.name} (Coccinelle column ${site.column}, DMA Lens ${ours.column})`,
        );
      matched++;
    } else missed.push(site);
  }
  const extra = [...remaining.values()].flat();
  const texts = new Map();
  const fileFacts = (file) => {
    if (!texts.has(file)) {
      const text = readFileSync(join(tree, file), 'utf8');
      texts.set(file, {
        text,
        lines: text.split('\n'),
        mask: codeMask(text),
        starts: lineStarts(text),
        macros: macroLines(text),
      });
    }
    return texts.get(file);
  };
  const classify = (site, side) => {
    const facts = fileFacts(site.file);
    const lineIndex = site.line - 1;
    const lineText = facts.lines[lineIndex] ?? '';
    if (facts.macros[lineIndex]) return 'inside a #define body';
    const column = lineText.indexOf(site.name);
    if (column !== -1 && !facts.mask[facts.starts[lineIndex] + column]) return 'inside a comment or string';
    if (side === 'extra' && new RegExp(`\\b${site.name}\\s*\\(`).test(lineText) === false)
      return 'name not followed by ( on its line (argument or pointer use)';
    return side === 'missed' ? 'other (not found by DMA Lens)' : 'other (not reported by Coccinelle)';
  };
  const group = (sites, side) => {
    const classes = new Map();
    for (const site of sites) {
      const name = classify(site, side);
      const entry = classes.get(name) ?? { count: 0, examples: [] };
      entry.count++;
      if (entry.examples.length < 5) entry.examples.push(`${site.file}:${site.line} ${site.name}`);
      classes.set(name, entry);
    }
    return Object.fromEntries(classes);
  };
  return {
    coccinelle: theirs.length,
    dmalens: ours.length,
    matched,
    recall: theirs.length ? matched / theirs.length : NaN,
    columnDiffers,
    missed: group(missed, 'missed'),
    extra: group(extra, 'extra'),
  };
}

/** Every reported site's name must sit in code: counts those that sit in a comment or literal. */
export function sitesOutsideCode(report) {
  let checked = 0;
  const offenders = [];
  for (const file of report.files) {
    if (!file.sites.length) continue;
    let text;
    try {
      text = readFileSync(file.path, 'utf8');
    } catch {
      continue;
    }
    const mask = codeMask(text);
    const starts = lineStarts(text);
    for (const site of file.sites) {
      checked++;
      const offset = starts[site.nameRange.start.line] + site.nameRange.start.character;
      if (!mask[offset]) offenders.push(`${file.path}:${site.nameRange.start.line + 1} ${site.api}`);
    }
  }
  return { checked, offenders };
}
