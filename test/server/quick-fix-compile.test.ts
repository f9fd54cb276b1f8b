// Quick fixes never write broken code: every fix the server offers on the quick-fix fixtures is applied and
// the result compiled with the system C compiler against a stand-in for Linux 6.1's headers
// (test/fixtures/quick-fixes/include), with the diagnostics that catch a wrong return (int-conversion,
// return-type) made errors. The comment under each unchecked map says what its fix must insert, or that it
// must offer none (no error path can be derived from the function).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { applyEdits, LspClient, repoRoot, type Diagnostic, type Range } from './lsp-client';

const FIXTURES = join(repoRoot, 'test/fixtures/quick-fixes');

interface Action {
  title: string;
  edit?: { changes: Record<string, { range: Range; newText: string }[]> };
}

/** gcc -fsyntax-only on a text, as kernel code (no host headers but the compiler's own); the messages or null. */
function compileErrors(text: string): string | null {
  const scratch = mkdtempSync(join(tmpdir(), 'dmalens-fix-'));
  try {
    const file = join(scratch, 'fixed.c');
    writeFileSync(file, text);
    const compilerInclude = spawnSync('gcc', ['-print-file-name=include'], { encoding: 'utf8' }).stdout.trim();
    const run = spawnSync(
      'gcc',
      [
        '-fsyntax-only',
        '-nostdinc',
        '-isystem',
        compilerInclude,
        '-I',
        join(FIXTURES, 'include'),
        '-Wall',
        '-Wno-unused-label',
        '-Werror=return-type',
        '-Werror=int-conversion',
        '-Werror=incompatible-pointer-types',
        '-Werror=implicit-function-declaration',
        file,
      ],
      { encoding: 'utf8' },
    );
    if (run.error)
      throw new Error(`gcc could not run (scripts/install-test-deps.sh installs it): ${run.error.message}`);
    return run.status === 0 ? null : run.stderr;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The expectation written under each map: its line (zero-based) and what the fix inserts, or null for none. */
function expectations(text: string): { mapLine: number; inserts: string | null }[] {
  return text.split('\n').flatMap((line, index) => {
    const marker = /^\/\*> (fix: (.*)|no-fix) \*\/$/.exec(line.trim());
    return marker ? [{ mapLine: index - 1, inserts: marker[2] ?? null }] : [];
  });
}

describe('quick fixes compile', () => {
  let client: LspClient;

  before(async () => {
    client = await LspClient.start();
  });

  after(() => client.stop());

  async function fixesOf(file: string): Promise<{ uri: string; text: string; diagnostics: Diagnostic[] }> {
    const text = readFileSync(file, 'utf8');
    const uri = pathToFileURL(file).href;
    await client.open(uri, text);
    return { uri, text, diagnostics: await client.diagnosticsFor(uri) };
  }

  async function fixFor(uri: string, diagnostic: Diagnostic): Promise<Action | undefined> {
    const actions = await client.request<Action[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    });
    return actions.find((action) => !action.title.startsWith('Ignore '));
  }

  test('the fixture compiles as it is, so every failure below is the fix', () => {
    assert.equal(compileErrors(readFileSync(join(FIXTURES, 'shapes.c'), 'utf8')), null);
  });

  test('each unchecked map gets the error path its function takes, or no fix; each fix compiles', async () => {
    const { uri, text, diagnostics } = await fixesOf(join(FIXTURES, 'shapes.c'));
    const expected = expectations(text);
    assert.ok(expected.length >= 10, 'the fixture states its expectations');
    for (const { mapLine, inserts } of expected) {
      const diagnostic = diagnostics.find((d) => d.code === 'unchecked-mapping' && d.range.start.line === mapLine);
      assert.ok(diagnostic, `unchecked-mapping on line ${mapLine + 1}`);
      const fix = await fixFor(uri, diagnostic);
      if (inserts === null) {
        assert.equal(fix, undefined, `line ${mapLine + 1}: no fix, got ${fix?.title}`);
        continue;
      }
      assert.ok(fix?.edit, `line ${mapLine + 1}: a fix`);
      const fixed = applyEdits(text, fix.edit.changes[uri]!);
      const inserted = fixed
        .split('\n')
        .slice(mapLine + 1, mapLine + 6)
        .join('\n');
      assert.ok(inserted.includes('if (dma_mapping_error('), `line ${mapLine + 1}:\n${inserted}`);
      assert.ok(inserted.includes(inserts), `line ${mapLine + 1} inserts "${inserts}":\n${inserted}`);
      assert.equal(compileErrors(fixed), null, `line ${mapLine + 1}: the fixed file compiles`);
    }
  });

  test('all fixes of a file applied together compile, and leave no unchecked map they fixed', async () => {
    const { uri, text, diagnostics } = await fixesOf(join(FIXTURES, 'shapes.c'));
    const edits = [];
    for (const diagnostic of diagnostics.filter((d) => d.code === 'unchecked-mapping'))
      edits.push(...((await fixFor(uri, diagnostic))?.edit?.changes[uri] ?? []));
    const fixed = applyEdits(text, edits);
    assert.equal(compileErrors(fixed), null);
    const fixedUri = `${uri}.all-fixed.c`;
    await client.open(fixedUri, fixed);
    const left = (await client.diagnosticsFor(fixedUri)).filter((d) => d.code === 'unchecked-mapping');
    assert.equal(left.length, expectations(text).filter((entry) => entry.inserts === null).length);
  });

  test('sizeof of a pointer becomes sizeof of its object, and the file still compiles', async () => {
    const { uri, text, diagnostics } = await fixesOf(join(FIXTURES, 'sizes.c'));
    assert.equal(compileErrors(text), null);
    const found = diagnostics.filter((d) => d.code === 'sizeof-pointer');
    assert.equal(found.length, 3, JSON.stringify(diagnostics.map((d) => d.code)));
    const edits = [];
    for (const diagnostic of found) edits.push(...((await fixFor(uri, diagnostic))?.edit?.changes[uri] ?? []));
    const fixed = applyEdits(text, edits);
    assert.equal(compileErrors(fixed), null);
    assert.equal((fixed.match(/sizeof\(\*(desc|ring)\)/g) ?? []).length, 3, fixed);
    const fixedUri = `${uri}.fixed.c`;
    await client.open(fixedUri, fixed);
    assert.deepEqual(
      (await client.diagnosticsFor(fixedUri)).filter((d) => d.code === 'sizeof-pointer'),
      [],
    );
  });

  test('removed APIs and renamed macros: the file compiles against 6.1 only after its fixes', async () => {
    const { uri, text, diagnostics } = await fixesOf(join(FIXTURES, 'renames.c'));
    assert.notEqual(compileErrors(text), null, 'the unfixed file uses what 6.1 removed');
    const edits = [];
    for (const diagnostic of diagnostics.filter((d) => d.code !== 'unchecked-mapping'))
      edits.push(...((await fixFor(uri, diagnostic))?.edit?.changes[uri] ?? []));
    assert.ok(edits.length >= 3, JSON.stringify(diagnostics.map((d) => d.code)));
    const fixed = applyEdits(text, edits);
    assert.equal(compileErrors(fixed), null);
    assert.ok(!/pci_map_single|PCI_DMA_|VIRTIO_F_IOMMU_PLATFORM/.test(fixed), fixed);
  });
});
