// Which findings a change is answerable for. Each changed file is analysed whole, old and new, and a
// finding of the new version is reported when it is on a line the change adds, or when it is new (its
// fingerprint is not among the old version's) in a function the change touches: deleting a
// dma_mapping_error() check leaves the map's line as it was, and the change still brought the finding.
import type { AnalyzeFile } from '../batch/file-scan';
import { pairingIndex } from '../checks/pairing';
import type { FunctionBody } from '../checks/function-bodies';
import type { ReportFile } from '../scan/scan-report';
import type { PatchedLine } from './apply-hunks';
import type { ChangedFile } from './patch-source';

/** The report of one changed file: the new version's findings and sites that the change is answerable for. */
export function changeReport(
  file: ChangedFile,
  newText: string,
  analyze: AnalyzeFile,
  displayPath: string,
): ReportFile {
  const analysed = analyze(newText, file.path);
  const oldFingerprints = fingerprintCounts(file.oldText === '' ? [] : analyze(file.oldText, file.path).diagnostics);
  const added = (first: number, last: number) => file.newLines.slice(first, last + 1).some((line) => line.added);
  const touched = touchedFunctions(newText, file.newLines);
  const diagnostics = analysed.diagnostics.filter((finding) => {
    if (added(finding.range.start.line, finding.range.end.line)) return true;
    const left = oldFingerprints.get(finding.fingerprint) ?? 0;
    oldFingerprints.set(finding.fingerprint, left - 1);
    return left <= 0 && touched(finding.range.start.line);
  });
  const kept = analysed.sites.flatMap((site, index) =>
    added(site.range.start.line, site.range.end.line)
      ? [{ site, annotation: analysed.annotations?.[index] ?? null }]
      : [],
  );
  return {
    path: displayPath,
    sites: kept.map((entry) => entry.site),
    diagnostics,
    ...(analysed.annotations ? { annotations: kept.map((entry) => entry.annotation) } : {}),
    ...(analysed.targets ? { targets: analysed.targets } : {}),
  };
}

function fingerprintCounts(findings: readonly { fingerprint: string }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { fingerprint } of findings) counts.set(fingerprint, (counts.get(fingerprint) ?? 0) + 1);
  return counts;
}

/** Whether a line is inside a function whose body the change adds to, rewrites or removes lines from. */
function touchedFunctions(text: string, lines: readonly PatchedLine[]): (line: number) => boolean {
  const index = pairingIndex(text);
  const lineStarts: number[] = [];
  let offset = 0;
  for (const line of lines) {
    lineStarts.push(offset);
    offset += line.text.length + 1;
  }
  const bodies = new Set<FunctionBody>();
  lines.forEach((line, number) => {
    if (!line.added && !line.afterRemoval) return;
    const body = index.functionAt(lineStarts[number]!);
    if (body) bodies.add(body);
  });
  return (line) => {
    const body = index.functionAt(lineStarts[line] ?? 0);
    return body !== null && bodies.has(body);
  };
}
