// The recall of a scan report on the labelled bugs of a kernel tree (test/precision/linux-6.1-bugs.json):
// each label is a file, a line and the rule that should report there, with the reason it is a bug. A
// label counts as found when the report has a finding of that rule on that line of that file, or of one
// of the other rules and lines it lists under `also`. Labels say
// how they were found (`found_by`): those found independently of DMA Lens are the ones that measure recall.
//
// Debian's linux-source-6.1 moves with the stable releases (6.1.176 on one machine, 6.1.192 on another),
// and a backport above a label shifts its line. So each place also holds `code`, a piece of its line's
// text: in the tree at hand the place is the line holding that text nearest the labelled line, and a
// label whose text is gone is counted as missed and listed as not in this tree.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `relativePath` turns a report's path into the tree-relative one the labels use; `tree` is the tree's
 * root, where each place is found by its code (without it, the labelled lines are taken as they are).
 */
export function recallOn(report, labelsFile, relativePath = (path) => path, tree = null) {
  const { bugs } = JSON.parse(readFileSync(labelsFile, 'utf8'));
  const reported = new Set();
  for (const file of report.files)
    for (const finding of file.diagnostics)
      reported.add(`${relativePath(file.path).replace(/^\.\//, '')}:${finding.range.start.line + 1}:${finding.rule}`);
  const locate = tree ? locator(tree) : (_file, place) => place.line;
  const byRule = {};
  const bySource = {};
  const missed = [];
  const notInTree = [];
  let found = 0;
  for (const bug of bugs) {
    const groups = [(byRule[bug.rule] ??= { found: 0, total: 0 }), (bySource[bug.found_by] ??= { found: 0, total: 0 })];
    for (const group of groups) group.total++;
    const places = [bug, ...(bug.also ?? [])].map((place) => ({ rule: place.rule, line: locate(bug.file, place) }));
    if (places[0].line === null) notInTree.push(bug);
    if (places.some((place) => place.line !== null && reported.has(`${bug.file}:${place.line}:${place.rule}`))) {
      for (const group of groups) group.found++;
      found++;
    } else missed.push(bug);
  }
  return { found, total: bugs.length, byRule, bySource, missed, notInTree };
}

/** The line holding the place's code nearest its labelled line, or null when no line holds it. */
function locator(tree) {
  const files = new Map();
  const linesOf = (file) => {
    if (!files.has(file)) {
      let lines = null;
      try {
        lines = readFileSync(join(tree, file), 'utf8').split('\n');
      } catch {
        // A file missing from this tree: its labels are not in it.
      }
      files.set(file, lines);
    }
    return files.get(file);
  };
  return (file, place) => {
    const lines = linesOf(file);
    if (!lines) return null;
    if (!place.code) return place.line;
    let best = null;
    lines.forEach((text, index) => {
      if (
        text.includes(place.code) &&
        (best === null || Math.abs(index + 1 - place.line) < Math.abs(best - place.line))
      )
        best = index + 1;
    });
    return best;
  };
}
