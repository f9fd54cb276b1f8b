// The Findings view's grouping: MAINTAINERS entries as scripts/get_maintainer.pl reads them (F: files,
// directories and one-component globs, X: exclusions, the longest pattern the most specific), and findings
// grouped by directory or entry, filtered by rule and severity.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AnalyzeWorkspaceResult } from '@dmalens/protocol';
import { parseMaintainers } from '../../client/src/findings-view/maintainers';
import { directoryOf, findingsOf, groupFindings } from '../../client/src/findings-view/grouping';

/** A MAINTAINERS file in the kernel's form, written for this test. */
const MAINTAINERS = `List of maintainers and how to submit kernel changes

Descriptions of section entries and preferred order
	M: *Mail* patches to: FullName <address@domain>
	F: *Files* and directories wildcard patterns.

DEMO ETHERNET DRIVERS
M:	A Maintainer <a@example.org>
S:	Maintained
F:	drivers/net/ethernet/demo/
X:	drivers/net/ethernet/demo/legacy/

DEMO ETHERNET PHY GLUE
M:	B Maintainer <b@example.org>
F:	drivers/net/ethernet/demo/phy_*.c

NETWORKING DRIVERS
M:	C Maintainer <c@example.org>
F:	drivers/net/
`;

test('the most specific MAINTAINERS entry maintains a file; exclusions and globs are honoured', () => {
  const maintainers = parseMaintainers(MAINTAINERS);
  assert.equal(maintainers.of('drivers/net/ethernet/demo/demo_main.c'), 'DEMO ETHERNET DRIVERS');
  assert.equal(maintainers.of('drivers/net/ethernet/demo/phy_link.c'), 'DEMO ETHERNET PHY GLUE');
  // A glob's component matches in its own directory only.
  assert.equal(maintainers.of('drivers/net/ethernet/demo/sub/phy_link.c'), 'DEMO ETHERNET DRIVERS');
  // X: takes the legacy folder out of its entry; the wider one still covers it.
  assert.equal(maintainers.of('drivers/net/ethernet/demo/legacy/old.c'), 'NETWORKING DRIVERS');
  assert.equal(maintainers.of('sound/core/pcm.c'), null);
  // The preamble's indented lines are no entries.
  assert.equal(maintainers.of('Descriptions of section entries and preferred order'), null);
});

function finding(uri: string, line: number, severity: 'warning' | 'information') {
  return {
    uri,
    severity,
    message: 'A message.',
    range: { start: { line, character: 0 }, end: { line, character: 4 } },
  };
}

const RESULT: AnalyzeWorkspaceResult = {
  files: [],
  rules: [
    {
      id: 'unchecked-mapping',
      title: 'Unchecked',
      severity: 'warning',
      docUrl: null,
      count: 3,
      locations: [
        finding('file:///t/drivers/net/ethernet/demo/demo_main.c', 40, 'warning'),
        finding('file:///t/drivers/net/ethernet/demo/demo_main.c', 12, 'warning'),
        finding('file:///t/drivers/dma/acme.c', 7, 'warning'),
      ],
    },
    {
      id: 'map-in-loop',
      title: 'Loop',
      severity: 'information',
      docUrl: null,
      count: 1,
      locations: [finding('file:///t/drivers/net/ethernet/demo/phy_link.c', 3, 'information')],
    },
  ],
  totals: { files: 3, sites: 9, findings: 4, skippedFiles: 0 },
  partial: false,
};

const relative = (uri: string) => uri.replace('file:///t/', '');

test('findings are grouped by directory, largest group first, each file in line order', () => {
  const groups = groupFindings(findingsOf(RESULT), relative, directoryOf, { rules: [], severities: [] });
  assert.deepEqual(
    groups.map((group) => [group.label, group.count]),
    [
      ['drivers/net/ethernet/demo', 3],
      ['drivers/dma', 1],
    ],
  );
  const main = groups[0]!.files.find((file) => file.path.endsWith('demo_main.c'))!;
  assert.deepEqual(
    main.findings.map((item) => item.range.start.line),
    [12, 40],
  );
});

test('by MAINTAINERS entry, and filtered by rule or severity', () => {
  const maintainers = parseMaintainers(MAINTAINERS);
  const byEntry = (path: string) => maintainers.of(path) ?? '(no MAINTAINERS entry)';
  const groups = groupFindings(findingsOf(RESULT), relative, byEntry, { rules: [], severities: [] });
  assert.deepEqual(groups.map((group) => group.label).sort(), [
    '(no MAINTAINERS entry)',
    'DEMO ETHERNET DRIVERS',
    'DEMO ETHERNET PHY GLUE',
  ]);
  const onlyLoops = groupFindings(findingsOf(RESULT), relative, directoryOf, {
    rules: ['map-in-loop'],
    severities: [],
  });
  assert.deepEqual(
    onlyLoops.flatMap((group) => group.files.flatMap((file) => file.findings.map((item) => item.rule))),
    ['map-in-loop'],
  );
  const warnings = groupFindings(findingsOf(RESULT), relative, directoryOf, { rules: [], severities: ['warning'] });
  assert.equal(
    warnings.reduce((sum, group) => sum + group.count, 0),
    3,
  );
});
