// `dmalens scan` as a process: the three formats, SARIF validated against the official 2.1.0 schema
// (pinned through @microsoft/jest-sarif's copy), and the exit codes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { analysisOptions, parseScanArguments } from '../../server/src/cli/scan';
import { expectedRuleLines, repoRoot } from './lsp-client';

const cli = join(repoRoot, 'server/dist/cli.js');
const fixtures = join(repoRoot, 'test/fixtures/rules');

function scan(args: string[], cwd = repoRoot) {
  const result = spawnSync(process.execPath, [cli, 'scan', '--no-cache', ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 60000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('dmalens scan', () => {
  test('text output is compiler style and exits 1 when error-level findings exist', () => {
    const result = scan(['--notes', 'test/fixtures/rules']);
    assert.equal(result.status, 1, result.stderr);
    const lines = result.stdout.split('\n');
    const stack = lines.find((line) => line.includes('[map-stack-buffer]'));
    assert.ok(stack, result.stdout);
    const source = readFileSync(join(fixtures, 'buffer-origin.c'), 'utf8').split('\n');
    const match = /^(.*buffer-origin\.c):(\d+):(\d+): error: .* \[map-stack-buffer\]$/.exec(stack);
    assert.ok(match, stack);
    // The reported column points at the buffer argument `cmd` on that line (1-based).
    assert.equal(source[Number(match[2]) - 1]!.slice(Number(match[3]) - 1, Number(match[3]) + 2), 'cmd');
    assert.ok(
      lines.some((line) => / note: dma_map_single in demo_fill_rx\(\): /.test(line)),
      'annotated sites are listed',
    );
  });

  test('by default the text has findings only, and the summary counts each kind by its name', () => {
    const quiet = scan(['test/fixtures/rules']);
    const lines = quiet.stdout.trim().split('\n');
    const findings = lines.filter((line) => / (error|warning|information|hint): .* \[[a-z0-9-]+\]$/.test(line));
    assert.equal(findings.length, lines.length - 1, 'every line but the summary is a finding');
    assert.ok(!quiet.stdout.includes(': note: '));
    const summary = lines.at(-1)!;
    const count = (severity: string) => findings.filter((line) => line.includes(`: ${severity}: `)).length;
    assert.match(
      summary,
      new RegExp(
        `; ${count('error')} errors?, ${count('warning')} warnings?, ${count('information')} information, ${count('hint')} hints?`,
      ),
    );
    assert.doesNotMatch(summary, /site note/);
    // With --notes the same findings, the notes, and their count.
    const noted = scan(['--notes', 'test/fixtures/rules']).stdout.trim().split('\n');
    const notes = noted.filter((line) => line.includes(': note: ')).length;
    assert.ok(notes > 0);
    assert.match(noted.at(-1)!, new RegExp(`; ${notes} site notes?; `));
  });

  test('--baseline reports only new findings; fingerprints survive edits above them; SARIF carries them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dmalens-baseline-'));
    const unchecked = (name: string) =>
      `static void ${name}(struct device *dev, void *buf)\n{\n\tdma_addr_t addr = dma_map_single(dev, buf, 64, DMA_TO_DEVICE);\n\n\tdemo_kick(addr);\n}\n`;
    writeFileSync(join(dir, 'demo.c'), `#include <linux/dma-mapping.h>\n\n${unchecked('demo_old')}`);
    const before = scan(['--format', 'json', 'demo.c'], dir);
    writeFileSync(join(dir, 'base.json'), before.stdout);
    const old = JSON.parse(before.stdout).files[0].diagnostics;
    assert.equal(old.length, 1);
    assert.match(old[0].fingerprint, /^[0-9a-f]{24}$/);
    // A new unchecked map above the old one moves it down three lines.
    writeFileSync(
      join(dir, 'demo.c'),
      `#include <linux/dma-mapping.h>\n\n${unchecked('demo_new')}\n${unchecked('demo_old')}`,
    );
    const after = JSON.parse(scan(['--format', 'json', 'demo.c'], dir).stdout).files[0].diagnostics;
    assert.ok(after.some((finding: { fingerprint: string }) => finding.fingerprint === old[0].fingerprint));
    const fresh = scan(['--baseline', 'base.json', 'demo.c'], dir);
    const reported = fresh.stdout.split('\n').filter((line) => line.endsWith('[unchecked-mapping]'));
    assert.equal(reported.length, 1, fresh.stdout);
    assert.match(reported[0]!, /^demo\.c:5:/, 'the new map in demo_new, not the old one');
    const sarif = JSON.parse(scan(['--format', 'sarif', 'demo.c'], dir).stdout);
    const prints = sarif.runs[0].results.map(
      (result: { partialFingerprints: Record<string, string> }) => result.partialFingerprints['dmalensFinding/v1'],
    );
    assert.ok(prints.includes(old[0].fingerprint), JSON.stringify(prints));
    // A baseline that is not a report is a usage error that says so.
    writeFileSync(join(dir, 'bad.json'), '{"no": "files"}');
    const bad = scan(['--baseline', 'bad.json', 'demo.c'], dir);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--baseline bad\.json: not a report of `dmalens scan --format json`/);
    rmSync(dir, { recursive: true, force: true });
  });

  test('exit 0 when only warnings are found; --rules restricts the rules', () => {
    const result = scan(['--rules', 'unchecked-mapping', join(fixtures, 'unchecked-mapping.c')]);
    assert.equal(result.status, 0, result.stderr);
    const expected = expectedRuleLines(
      readFileSync(join(fixtures, 'unchecked-mapping.c'), 'utf8'),
      'unchecked-mapping',
    ).map((line) => line + 1);
    const reported = result.stdout
      .split('\n')
      .filter((line) => line.endsWith('[unchecked-mapping]'))
      .map((line) => Number(/:(\d+):\d+: warning:/.exec(line)![1]));
    assert.deepEqual(reported, expected);
    assert.ok(!result.stdout.includes('[map-stack-buffer]'));
  });

  test('json output lists sites and diagnostics with stable fields', () => {
    const result = scan(['--format', 'json', '--platforms', 'x86_64,pseries', join(fixtures, 'sync-direction.c')]);
    assert.equal(result.status, 0, result.stderr);
    const json = JSON.parse(result.stdout);
    // Written file by file, yet byte for byte the one-shot pretty print of the same document.
    assert.equal(result.stdout, `${JSON.stringify(json, null, 2)}\n`);
    assert.deepEqual(
      json.platforms.map((platform: { id: string }) => platform.id),
      ['x86_64', 'pseries'],
    );
    const file = json.files[0];
    assert.ok(
      file.sites.some(
        (site: { api: string; size: { value: string } }) => site.api === 'dma_map_single' && site.size.value === '512',
      ),
    );
    const marked = expectedRuleLines(readFileSync(join(fixtures, 'sync-direction.c'), 'utf8'), 'sync-direction').length;
    assert.ok(marked >= 2);
    assert.equal(
      file.diagnostics.filter((diagnostic: { rule: string }) => diagnostic.rule === 'sync-direction').length,
      marked,
    );
    assert.equal(json.summary.byRule['sync-direction'], marked);
  });

  test('--jobs 0 analyses in the process and reports exactly what the workers report', () => {
    const inProcess = scan(['--format', 'json', '--jobs', '0', 'examples', 'test/fixtures/rules']);
    const onWorkers = scan(['--format', 'json', '--jobs', '2', 'examples', 'test/fixtures/rules']);
    assert.equal(inProcess.status, 1, inProcess.stderr);
    assert.equal(inProcess.stdout, onWorkers.stdout);
    // The platform summaries come from the analysis too: the in-process run must carry them.
    assert.ok(
      JSON.parse(inProcess.stdout).files.some((file: { sites: { summary: string | null }[] }) =>
        file.sites.some((site) => site.summary),
      ),
    );
  });

  test('files are reported in walk order: roots as given, each depth first with names sorted', () => {
    const root = mkdtempSync(join(tmpdir(), 'dmalens-order-'));
    const driver = (name: string) =>
      `static dma_addr_t ${name}(struct device *dev, void *buf)\n{\n\treturn dma_map_single(dev, buf, 64, DMA_TO_DEVICE);\n}\n`;
    // Sorted as whole paths, b-x.c would come before b/z.c ('-' sorts before '/'); the walk lists b first.
    for (const [path, name] of [
      ['a.c', 'demo_a'],
      ['b/z.c', 'demo_z'],
      ['b-x.c', 'demo_x'],
      ['c/d/e.c', 'demo_e'],
    ] as const) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), driver(name));
    }
    const result = scan(['--format', 'json', '--jobs', '2', root]);
    assert.equal(result.status, 0, result.stderr);
    const paths = JSON.parse(result.stdout).files.map((file: { path: string }) => file.path.slice(root.length + 1));
    assert.deepEqual(paths, ['a.c', 'b/z.c', 'b-x.c', 'c/d/e.c']);
    const text = scan(['--notes', '--jobs', '2', join(root, 'c'), root]);
    const notes = text.stdout
      .split('\n')
      .filter((line) => line.includes(': note: '))
      .map((line) => line.slice(root.length + 1, line.indexOf(':')));
    assert.deepEqual(notes, ['c/d/e.c', 'a.c', 'b/z.c', 'b-x.c', 'c/d/e.c'], 'roots in the order given');
    rmSync(root, { recursive: true, force: true });
  });

  test('with --progress on the same terminal, the progress line is wiped before report lines, never left in front of them', (context) => {
    // `script` (util-linux) runs the scan on a pseudo-terminal, so stdout and stderr are both terminals.
    if (spawnSync('script', ['--version']).status !== 0) return context.skip('util-linux script is not installed');
    const terminal = spawnSync(
      'script',
      [
        '-qfec',
        `${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} scan --no-cache --progress examples`,
        '/dev/null',
      ],
      { cwd: repoRoot, encoding: 'utf8', timeout: 60000 },
    );
    assert.match(terminal.stdout, /files\/s/, 'the progress line was drawn');
    // What stays visible of each line: the text after the last "erase line" sequence.
    const ERASE_LINE = '\x1b[2K';
    const visible = terminal.stdout.split('\n').map((line) => {
      const erased = line.lastIndexOf(ERASE_LINE);
      return (erased < 0 ? line : line.slice(erased + ERASE_LINE.length)).replace(/\r$/, '');
    });
    const reportLines = visible.filter((line) => / (warning|note|error): /.test(line));
    assert.ok(reportLines.length > 0, terminal.stdout);
    for (const line of reportLines) assert.match(line, /^examples\//, JSON.stringify(line));
  });

  test('a cache that cannot be written is reported on stderr, and the report is complete', () => {
    const root = mkdtempSync(join(tmpdir(), 'dmalens-cache-'));
    writeFileSync(join(root, 'not-a-folder'), '');
    const cached = spawnSync(
      process.execPath,
      [
        cli,
        'scan',
        '--format',
        'json',
        '--cache',
        join(root, 'not-a-folder', 'cache'),
        join(fixtures, 'sync-direction.c'),
      ],
      { encoding: 'utf8', timeout: 60000 },
    );
    assert.equal(cached.status, 0, cached.stderr);
    assert.match(cached.stderr, /^dmalens scan: cache not saved to .*not-a-folder/m);
    assert.equal(
      JSON.parse(cached.stdout).summary.byRule['sync-direction'],
      expectedRuleLines(readFileSync(join(fixtures, 'sync-direction.c'), 'utf8'), 'sync-direction').length,
    );
    rmSync(root, { recursive: true, force: true });
  });

  test('a reader that stops early (| head) ends the scan quietly, neither hung nor with an error', async () => {
    const child = spawn(
      process.execPath,
      [cli, 'scan', '--no-cache', '--format', 'json', 'examples', 'test/fixtures'],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(stderr, '');
    assert.ok(code === 0 || code === 1, `exit status ${code}`);
  });

  test('raw-phys-to-device skips code whose physical addresses go to platform components, not DMA masters', () => {
    const root = mkdtempSync(join(tmpdir(), 'dmalens-platform-code-'));
    const fixture = readFileSync(join(fixtures, 'raw-phys.c'), 'utf8');
    const places = {
      'drivers/net/ethernet/demo/raw.c': fixture,
      'drivers/iommu/demo/raw.c': fixture,
      'drivers/irqchip/raw.c': fixture,
      'drivers/pci/controller/raw.c': fixture,
      'arch/powerpc/platforms/demo/raw.c': fixture,
      'drivers/i2c/busses/raw-opal.c': `#include <asm/opal.h>\n${fixture}`,
      'drivers/misc/demo/guest.c': `#include "hcalls.h"\n${fixture}`,
      // A header whose name merely contains one of those words is no firmware interface.
      'drivers/block/demo/sed-opal.c': `#include "opal_proto.h"\n${fixture}`,
    };
    for (const [path, text] of Object.entries(places)) {
      mkdirSync(join(root, dirname(path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    const result = scan(['--format', 'json', '--rules', 'raw-phys-to-device', '.'], root);
    const reported = (JSON.parse(result.stdout) as { files: { path: string; diagnostics: unknown[] }[] }).files
      .filter((file) => file.diagnostics.length > 0)
      .map((file) => file.path);
    assert.deepEqual(reported.sort(), ['drivers/block/demo/sed-opal.c', 'drivers/net/ethernet/demo/raw.c']);
    rmSync(root, { recursive: true, force: true });
  });

  test('sarif output validates against the SARIF 2.1.0 schema', () => {
    const result = scan(['--format', 'sarif', 'test/fixtures/rules']);
    assert.equal(result.status, 1, result.stderr);
    type SarifResult = {
      ruleId: string;
      locations: { physicalLocation: { artifactLocation: { uri: string } } }[];
      fixes?: unknown[];
    };
    const sarif = JSON.parse(result.stdout) as { runs: { results: SarifResult[] }[] };
    const schema = JSON.parse(
      readFileSync(join(repoRoot, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'),
    );
    // The published rtm.5 schema has one pattern (`language`) that is invalid with the `u` flag; compile
    // patterns as plain JavaScript regular expressions, as the schema's authors evidently did.
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    // The SARIF schema uses the uri and date-time formats; validate them rather than ignore them.
    addFormats(ajv);
    const validate = ajv.compile(schema);
    assert.equal(validate(sarif), true, JSON.stringify(validate.errors?.slice(0, 5), null, 1));
    const results = sarif.runs[0]!.results;
    // Every rule the tool declares has its documentation page, and the SARIF help link points at it.
    const rules = (sarif.runs[0] as unknown as { tool: { driver: { rules: { id: string; helpUri: string }[] } } }).tool
      .driver.rules;
    assert.ok(rules.length >= 12);
    for (const rule of rules) {
      assert.ok(existsSync(join(repoRoot, 'docs/rules', `${rule.id}.md`)), `docs/rules/${rule.id}.md`);
      assert.equal(fileURLToPath(rule.helpUri), join(repoRoot, 'docs/rules', `${rule.id}.md`));
    }
    assert.ok(results.some((entry) => entry.ruleId === 'removed-api' && entry.fixes?.length));
    assert.ok(
      results.every((entry) =>
        entry.locations[0]!.physicalLocation.artifactLocation.uri.startsWith('test/fixtures/rules/'),
      ),
    );
  });

  test('bad usage exits 2 with a message', () => {
    assert.equal(scan([]).status, 2);
    const platform = scan(['--platforms', 'x86_64,nonsense', fixtures]);
    assert.equal(platform.status, 2);
    assert.match(platform.stderr, /unknown platform id 'nonsense'/);
    assert.equal(scan(['--format', 'xml', fixtures]).status, 2);
    assert.match(scan(['--rules', 'no-such-rule', fixtures]).stderr, /unknown rule id 'no-such-rule'/);
    assert.equal(scan(['--bogus', fixtures]).status, 2);
    const short = scan(['-j', '2', fixtures]);
    assert.equal(short.status, 2);
    assert.match(short.stderr, /scan: unknown option -j/);
    const forgotten = scan(['--cache', '--progress', fixtures]);
    assert.equal(forgotten.status, 2, 'a value that is the next option is a forgotten value');
    assert.match(forgotten.stderr, /--cache needs a value/);
  });

  test('--help prints the options and exits 0', () => {
    const help = scan(['--help']);
    assert.equal(help.status, 0, help.stderr);
    for (const option of ['--platforms', '--format', '--rules', '--exclude', '--jobs', '--cache', '--max-file-size'])
      assert.ok(help.stdout.includes(option), option);
  });

  test('only the reports that print per-site summaries simulate them', () => {
    const annotate = (format: string, ...more: string[]) =>
      analysisOptions(parseScanArguments(['--format', format, ...more, fixtures])!).annotate;
    assert.equal(annotate('text'), false, 'text prints findings alone');
    assert.equal(annotate('text', '--notes'), true, 'text with --notes prints a note per mapping');
    assert.equal(annotate('json'), true, "JSON carries each site's summary");
    assert.equal(annotate('sarif'), false, 'SARIF carries findings alone');
    const sarif = JSON.parse(scan(['--format', 'sarif', fixtures]).stdout);
    assert.ok(sarif.runs[0].results.length > 0, 'the findings are all there without the summaries');
  });

  test('binary files are skipped and invalid UTF-8 does not stop the scan', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dmalens-scan-'));
    writeFileSync(
      join(dir, 'garbage.c'),
      Buffer.from([
        0, 1, 2, 0xff, 0xfe, 0x64, 0x6d, 0x61, 0x5f, 0x6d, 0x61, 0x70, 0x5f, 0x73, 0x69, 0x6e, 0x67, 0x6c, 0x65, 0,
      ]),
    );
    const call = Buffer.from(
      'void f(struct device *d, void *b)\n{\n\tdma_addr_t a = dma_map_single(d, b, 64, DMA_TO_DEVICE);\n}\n',
    );
    writeFileSync(
      join(dir, 'latin1 name.c'),
      Buffer.concat([Buffer.from([0x2f, 0x2a, 0xc3, 0x28, 0xe9, 0x2a, 0x2f, 0x0a]), call]),
    );
    const result = scan(['--format', 'json', dir]);
    assert.equal(result.status, 0, result.stderr);
    const json = JSON.parse(result.stdout) as { files: { path: string; skipped?: string; sites: { api: string }[] }[] };
    assert.equal(result.stdout, `${JSON.stringify(json, null, 2)}\n`, 'several files, one pretty-printed document');
    const garbage = json.files.find((file) => file.path.endsWith('garbage.c'));
    assert.ok(garbage?.skipped, 'the binary file is reported as skipped');
    const latin = json.files.find((file) => file.path.endsWith('latin1 name.c'));
    assert.deepEqual(
      latin?.sites.map((site) => site.api),
      ['dma_map_single'],
    );
  });
});
