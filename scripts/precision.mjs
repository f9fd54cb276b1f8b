#!/usr/bin/env node
// `npm run precision [-- KERNEL_TREE] [--per-rule N] [--seed S]`: the figures of docs/precision.md. Scans the
// tree (the benchmark's Linux 6.1 by default), prints the findings per rule, a seeded random sample of each
// warning and error rule's findings with the code around them for judging by reading, and the recall on
// the labelled bugs of test/precision/linux-6.1-bugs.json. The sample is the same for the same tree, seed
// and tool, so verdicts written down can be checked against it.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { ensureKernelTree } from './bench/kernel-tree.mjs';
import { recallOn } from './bench/labelled-bugs.mjs';
import { random } from './fuzz/mutate.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function parseArguments(argv) {
  const options = { tree: null, perRule: 15, seed: 2026, context: 4 };
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    const number = () => {
      const value = Number(argv[++index]);
      if (!Number.isInteger(value) || value < 0) throw new Error(`${argument} needs a whole number`);
      return value;
    };
    if (argument === '--per-rule') options.perRule = number();
    else if (argument === '--seed') options.seed = number();
    else if (argument === '--context') options.context = number();
    else if (argument.startsWith('--')) throw new Error(`unknown option ${argument}`);
    else options.tree = resolve(argument);
  }
  return options;
}

/** A 32-bit FNV-1a hash of a rule id. */
function hash(text) {
  let value = 0x811c9dc5;
  for (const char of text) value = Math.imul(value ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return value;
}

/** Up to `count` items drawn without replacement, in their original order. */
function sample(items, count, next) {
  if (items.length <= count) return items;
  const picked = new Set();
  while (picked.size < count) picked.add(Math.floor(next() * items.length));
  return [...picked].sort((a, b) => a - b).map((index) => items[index]);
}

function main() {
  const options = parseArguments(process.argv.slice(2));
  const tree = options.tree ?? ensureKernelTree((message) => process.stderr.write(`precision: ${message}\n`));
  const scan = spawnSync(process.execPath, [join(root, 'server/dist/cli.js'), 'scan', '.', '--format', 'json'], {
    cwd: tree,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  if (scan.status !== 0 && scan.status !== 1) throw new Error(`dmalens scan failed: ${scan.stderr}`);
  const report = JSON.parse(scan.stdout);
  const byRule = new Map();
  for (const file of report.files)
    for (const finding of file.diagnostics) {
      const list = byRule.get(finding.rule) ?? [];
      list.push({
        path: file.path,
        line: finding.range.start.line + 1,
        severity: finding.severity,
        message: finding.message,
      });
      byRule.set(finding.rule, list);
    }
  console.log(`# Findings on ${tree}`);
  for (const [rule, findings] of [...byRule].sort((a, b) => b[1].length - a[1].length))
    console.log(`${rule}: ${findings.length} (${findings[0].severity})`);
  for (const [rule, findings] of [...byRule].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (findings[0].severity !== 'warning' && findings[0].severity !== 'error') continue;
    // Each rule draws from its own sequence, so that another rule's count does not change its sample.
    const drawn = sample(findings, options.perRule, random(options.seed ^ hash(rule)));
    console.log(`\n## ${rule}: ${drawn.length} of ${findings.length} (seed ${options.seed})`);
    for (const finding of drawn) {
      console.log(`\n### ${finding.path}:${finding.line}\n${finding.message}`);
      const lines = readFileSync(join(tree, finding.path), 'utf8').split('\n');
      const from = Math.max(0, finding.line - 1 - options.context);
      lines
        .slice(from, finding.line + options.context)
        .forEach((text, offset) =>
          console.log(
            `${String(from + offset + 1).padStart(5)}${from + offset + 1 === finding.line ? '>' : ' '} ${text}`,
          ),
        );
    }
  }
  const recall = recallOn(report, join(root, 'test/precision/linux-6.1-bugs.json'), (path) => path, tree);
  console.log(`\n# Recall on the labelled bugs: ${recall.found} of ${recall.total}`);
  for (const [rule, figures] of Object.entries(recall.byRule))
    console.log(`${rule}: ${figures.found} of ${figures.total}`);
  for (const [source, figures] of Object.entries(recall.bySource))
    console.log(`found by ${source}: ${figures.found} of ${figures.total}`);
  for (const missed of recall.missed)
    console.log(`missed: ${missed.file}:${missed.line} ${missed.rule} (${missed.reason})`);
  for (const gone of recall.notInTree) console.log(`not in this tree: ${gone.file}:${gone.line} (its code is gone)`);
}

main();
