// The change reader of `scan --diff`: unified diffs as git and git format-patch write them, and their hunks
// applied forward and back with the changed lines marked.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseUnifiedDiff, PatchSyntaxError } from '../../server/src/patch/unified-diff';
import {
  applyForward,
  applyReverse,
  HunkMismatch,
  patchedText,
  toPatchedLines,
} from '../../server/src/patch/apply-hunks';

const OLD = ['int a;', 'int b;', 'int c;', 'int d;', 'int e;', 'int f;', 'int g;'].join('\n') + '\n';

const MAIL = `From 1234567890abcdef Mon Sep 17 00:00:00 2001
From: A Developer <dev@example.org>
Subject: [PATCH] demo: change b and drop f

Body of the commit message.
---
 drivers/demo/demo.c | 3 +--
 1 file changed, 1 insertion(+), 2 deletions(-)

diff --git a/drivers/demo/demo.c b/drivers/demo/demo.c
index 1111111..2222222 100644
--- a/drivers/demo/demo.c
+++ b/drivers/demo/demo.c
@@ -1,3 +1,3 @@
 int a;
-int b;
+long b;
 int c;
@@ -5,3 +5,2 @@
 int e;
-int f;
 int g;
diff --git a/logo.png b/logo.png
index 3333333..4444444 100644
Binary files a/logo.png and b/logo.png differ
--- 
2.39.2
`;

describe('unified diffs', () => {
  test('a format-patch mail: paths without prefixes, hunks read by their counts, the signature left alone', () => {
    const patches = parseUnifiedDiff(MAIL);
    assert.equal(patches.length, 2);
    const [source, image] = patches;
    assert.equal(source!.oldPath, 'drivers/demo/demo.c');
    assert.equal(source!.newPath, 'drivers/demo/demo.c');
    assert.deepEqual(
      source!.hunks.map((hunk) => [hunk.oldStart, hunk.newStart, hunk.lines.length]),
      [
        [1, 1, 4],
        [5, 5, 3],
      ],
    );
    assert.deepEqual(image, { oldPath: 'logo.png', newPath: 'logo.png', hunks: [], binary: true });
  });

  test('new and deleted files, timestamps after a tab, quoted paths and a missing final newline', () => {
    const patches = parseUnifiedDiff(
      [
        '--- /dev/null\t1970-01-01 00:00:00.000000000 +0000',
        '+++ b/new.c\t2026-12-04 08:00:00.000000000 +0000',
        '@@ -0,0 +1,2 @@',
        '+int x;',
        '+int y;',
        '\\ No newline at end of file',
        '--- "a/dir/tab\\there.c"',
        '+++ /dev/null',
        '@@ -1 +0,0 @@',
        '-int z;',
      ].join('\n'),
    );
    assert.deepEqual(
      patches.map((patch) => [patch.oldPath, patch.newPath]),
      [
        [null, 'new.c'],
        ['dir/tab\there.c', null],
      ],
    );
    assert.equal(patches[0]!.hunks[0]!.lines.length, 2);
  });

  test('a hunk shorter than its header says is an error with its line', () => {
    assert.throws(
      () => parseUnifiedDiff('--- a/x.c\n+++ b/x.c\n@@ -1,3 +1,3 @@\n int a;\n'),
      (error: unknown) => error instanceof PatchSyntaxError && /ends early/.test(error.message),
    );
    assert.throws(
      () => parseUnifiedDiff('@@ -1 +1 @@\n-a\n+b\n'),
      /line 1: a hunk before any --- \/ \+\+\+ file header/,
    );
  });
});

describe('applying hunks', () => {
  const hunks = parseUnifiedDiff(MAIL)[0]!.hunks;

  test('forward marks added lines and the line after a removal; reverse gives the old text back', () => {
    const applied = applyForward(toPatchedLines(OLD), hunks);
    assert.equal(patchedText(applied), 'int a;\nlong b;\nint c;\nint d;\nint e;\nint g;\n');
    assert.deepEqual(
      applied.flatMap((line, index) => (line.added ? [index] : [])),
      [1],
    );
    assert.deepEqual(
      applied.flatMap((line, index) => (line.afterRemoval ? [index] : [])),
      [1, 5],
    );
    assert.equal(patchedText(applyReverse(applied, hunks)), OLD);
  });

  test('a hunk is found where lines above it moved it, and a mismatch is an error naming the hunk', () => {
    const moved = applyForward(toPatchedLines(`/* two new */\n/* lines */\n${OLD}`), hunks);
    assert.equal(moved[3]!.text, 'long b;');
    assert.throws(
      () => applyForward(toPatchedLines(OLD.replace('int f;', 'int F;')), hunks),
      (error: unknown) => error instanceof HunkMismatch && error.hunk === hunks[1],
    );
  });

  test('pure insertions go after the line their header states, at the start of a file too', () => {
    const [insert] = parseUnifiedDiff(
      '--- a/x.c\n+++ b/x.c\n@@ -2,0 +3 @@\n+int new;\n@@ -0,0 +1 @@\n+int first;\n',
    ).map((patch) => patch.hunks);
    const lines = applyForward(toPatchedLines(OLD), [insert![0]!]);
    assert.deepEqual(
      lines.slice(1, 4).map((line) => line.text),
      ['int b;', 'int new;', 'int c;'],
    );
    const top = applyForward(toPatchedLines(OLD), [insert![1]!]);
    assert.equal(top[0]!.text, 'int first;');
    assert.ok(top[0]!.added);
  });
});
