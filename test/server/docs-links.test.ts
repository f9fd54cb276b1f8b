// The documentation links the server hands out: the docs folder is found from the bundle's location in
// the repository layout and in the packaged extension's layout, spec sections get GitHub-style anchors,
// and the spec copy in docs/spec stays identical to the project's shared spec when that sits beside the
// repository.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  findDocsDir,
  githubAnchor,
  loadSpecLinks,
  ruleDocUri,
  specAnchors,
  specSectionUri,
  SPEC_FILE,
} from '../../server/src/docs/bundled-docs';
import { repoRoot } from './lsp-client';

const shared = join(repoRoot, '..', 'shared', 'spec', SPEC_FILE);

test(
  'docs/spec is the shared spec plus a one-line note at the top',
  { skip: !existsSync(shared) && `no ${shared}` },
  () => {
    const copy = readFileSync(join(repoRoot, 'docs', 'spec', SPEC_FILE), 'utf8');
    const [note, blank, ...rest] = copy.split('\n');
    assert.match(note!, /^> .*copy of the project's shared spec/, 'the first line says the file is a copy');
    assert.equal(blank, '');
    assert.ok(
      rest.join('\n') === readFileSync(shared, 'utf8'),
      `docs/spec/${SPEC_FILE} differs from ${shared}: copy the shared spec again (keeping the note)`,
    );
  },
);

test('the docs folder is found from the repository bundle and from the packaged extension', () => {
  assert.equal(findDocsDir(join(repoRoot, 'server', 'dist')), join(repoRoot, 'docs'));
  const root = mkdtempSync(join(tmpdir(), 'dmalens-docs-'));
  try {
    // The .vsix layout: extension/dist/server/server.js next to extension/docs/{rules,spec}.
    const extension = join(root, 'extension');
    mkdirSync(join(extension, 'dist', 'server'), { recursive: true });
    assert.equal(findDocsDir(join(extension, 'dist', 'server')), null, 'no docs folder anywhere above');
    mkdirSync(join(extension, 'docs', 'rules'), { recursive: true });
    assert.equal(
      findDocsDir(join(extension, 'dist', 'server')),
      null,
      'an empty docs/rules is not DMA Lens documentation',
    );
    writeFileSync(join(extension, 'docs', 'rules', 'unchecked-mapping.md'), '# unchecked-mapping\n');
    mkdirSync(join(extension, 'docs', 'spec'));
    writeFileSync(
      join(extension, 'docs', 'spec', SPEC_FILE),
      '# Spec\n\n## 2. swiotlb\n\n### 2.2 Map algorithm (`swiotlb_map`)\n',
    );
    const docs = findDocsDir(join(extension, 'dist', 'server'));
    assert.equal(docs, join(extension, 'docs'));
    assert.equal(
      fileURLToPath(ruleDocUri('unchecked-mapping', docs)!),
      join(extension, 'docs', 'rules', 'unchecked-mapping.md'),
    );
    const spec = loadSpecLinks(docs)!;
    const link = new URL(specSectionUri(spec, '§2.2'));
    assert.equal(fileURLToPath(link), join(extension, 'docs', 'spec', SPEC_FILE));
    assert.equal(link.hash, '#22-map-algorithm-swiotlb_map');
    assert.equal(new URL(specSectionUri(spec, '§7')).hash, '', 'a section without a heading links to the file');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('spec anchors follow GitHub: lower case, punctuation dropped, spaces to dashes, repeats numbered', () => {
  // Anchors as GitHub renders them for these headings of the spec.
  const anchors = specAnchors(readFileSync(join(repoRoot, 'docs', 'spec', SPEC_FILE), 'utf8'));
  assert.equal(anchors.get('2.2'), '22-map-algorithm-swiotlb_map--swiotlb_tbl_map_single--swiotlb_find_slots');
  assert.equal(anchors.get('0'), '0-simulator-state-model-what-a-platform-profile-must-contain');
  assert.equal(anchors.get('1.3'), '13-dma_capable--includelinuxdma-directhdma_capable');
  assert.equal(githubAnchor('Links & Notes'), 'links--notes');
  assert.deepEqual(
    [...specAnchors('# A\n## 1. A\n### 1.1 B\n').entries()],
    [
      ['1', '1-a'],
      ['1.1', '11-b'],
    ],
  );
  // `5) x` is not a numbered heading but takes the anchor `5-x` first, so section 5's is `5-x-1`.
  assert.equal(specAnchors('## 5) x\n### 5 x\n').get('5'), '5-x-1');
  assert.equal(specAnchors('```sh\n# 6 not a heading\n```\n## 6 Real\n').get('6'), '6-real');
});

test('the rule pages link spec sections to headings that exist in docs/spec', () => {
  const anchors = new Set(specAnchors(readFileSync(join(repoRoot, 'docs', 'spec', SPEC_FILE), 'utf8')).values());
  let links = 0;
  for (const page of readdirSync(join(repoRoot, 'docs', 'rules')).filter((name) => name.endsWith('.md'))) {
    const text = readFileSync(join(repoRoot, 'docs', 'rules', page), 'utf8');
    for (const [, section, anchor] of text.matchAll(/\[§([\d.]+)\]\(\.\.\/spec\/kernel-dma-semantics\.md#([^)]+)\)/g)) {
      links++;
      assert.ok(anchors.has(anchor!), `${page}: §${section} links to #${anchor}, which no heading has`);
      assert.ok(
        anchor!.startsWith(`${section!.replace(/\./g, '')}-`),
        `${page}: §${section} links to the heading of another section (#${anchor})`,
      );
    }
  }
  assert.ok(links >= 12, `rule pages link their spec sections (${links} links)`);
});
