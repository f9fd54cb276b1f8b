// The recall of a scan report on the labelled bugs of a kernel tree (test/precision/linux-6.1-bugs.json):
// each label is a file, a line and the rule that should report there, with the reason it is a bug. A
// label counts as found when the report has a finding of that rule on that line of that file, or of one
// of the other rules and lines it lists under `also`. Labels say
// how they were found (`found_by`): those found independently of DMA Lens are the ones that measure recall.
import { readFileSync } from 'node:fs';

/** `relativePath` turns a report's path into the tree-relative one the labels use. */
export function recallOn(report, labelsFile, relativePath = (path) => path) {
  const { bugs } = JSON.parse(readFileSync(labelsFile, 'utf8'));
  const reported = new Set();
  for (const file of report.files)
    for (const finding of file.diagnostics)
      reported.add(`${relativePath(file.path).replace(/^\.\//, '')}:${finding.range.start.line + 1}:${finding.rule}`);
  const byRule = {};
  const bySource = {};
  const missed = [];
  let found = 0;
  for (const bug of bugs) {
    const groups = [(byRule[bug.rule] ??= { found: 0, total: 0 }), (bySource[bug.found_by] ??= { found: 0, total: 0 })];
    for (const group of groups) group.total++;
    const places = [bug, ...(bug.also ?? [])];
    if (places.some((place) => reported.has(`${bug.file}:${place.line}:${place.rule}`))) {
      for (const group of groups) group.found++;
      found++;
    } else missed.push(bug);
  }
  return { found, total: bugs.length, byRule, bySource, missed };
}
