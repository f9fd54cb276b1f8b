// The Kconfig and kbuild Makefile readers on texts written for these tests: what they find, and that
// what they cannot read is reported with its line instead of being dropped silently.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatKconfigExpr, parseKconfigExpr } from '../../server/src/project/kconfig-expression';
import { parseKconfig, type ConfigEntry } from '../../server/src/project/kconfig-syntax';
import { parseMakefile } from '../../server/src/project/makefile-syntax';

test('Kconfig expressions keep precedence: ! over comparisons over && over ||', () => {
  const expr = parseKconfigExpr('A || B && !C=y || (D || E) && F != n');
  assert.equal(formatKconfigExpr(expr), 'A || B && !C=y || (D || E) && F!=n');
});

test('a Kconfig entry collects its type, prompt, defaults, dependencies and selects; help text is skipped', () => {
  const file = parseKconfig(
    [
      'config FOO',
      '\ttristate "Foo support" if BAR',
      '\tdepends on PCI && \\',
      '\t\t(X86 || COMPILE_TEST)',
      '\tdefault m if BAZ',
      '\tselect CRC32 if NET',
      '\thelp',
      '\tThis help text is indented like the keywords',
      '\tconfig NOT_AN_ENTRY',
      '',
      '\t  and continues.',
      '# a comment',
      'config OTHER',
      '\tdef_bool y',
    ].join('\n'),
    { eager: true },
  );
  assert.deepEqual(file.problems, []);
  const [foo, other] = file.statements as ConfigEntry[];
  assert.equal(foo!.name, 'FOO');
  assert.equal(foo!.type, 'tristate');
  assert.equal(foo!.prompts[0]!.value, 'Foo support');
  assert.equal(formatKconfigExpr(foo!.prompts[0]!.cond!.expr), 'BAR');
  assert.equal(formatKconfigExpr(foo!.depends[0]!.expr), 'PCI && (X86 || COMPILE_TEST)');
  assert.equal(foo!.depends[0]!.line, 3);
  assert.equal(foo!.selects[0]!.value, 'CRC32');
  assert.equal(other!.name, 'OTHER');
  assert.equal(file.statements.length, 2);
});

test('blocks nest, and malformed lines are reported with their line numbers', () => {
  const file = parseKconfig(
    [
      'if A',
      'menu "M"',
      '\tdepends on B',
      'config C',
      '\tbool "c"',
      '\tdepends on (D',
      'endmenu',
      'endif',
      'endif',
      'bogus X',
    ].join('\n'),
    { eager: true },
  );
  assert.deepEqual(file.problems, [
    { line: 6, message: "missing ')' in '(D'" },
    { line: 9, message: "'endif' without a matching 'if'" },
    { line: 10, message: "'bogus X' is outside any config entry" },
  ]);
  const outer = file.statements[0]!;
  assert.equal(outer.kind, 'if');
});

test('macros in expressions: $(ARCH) stays for the model, compiler probes become unknown', () => {
  const file = parseKconfig('config A\n\tbool "a" if "$(ARCH)" = "x86"\n\tdepends on $(cc-option,-mfoo)\n', {
    eager: true,
  });
  const entry = file.statements[0] as ConfigEntry;
  assert.equal(formatKconfigExpr(entry.prompts[0]!.cond!.expr), '"$(ARCH)"=x86');
  assert.equal(formatKconfigExpr(entry.depends[0]!.expr), '$(...)');
});

test('kbuild lists: obj-$(CONFIG_X), composites, ifeq blocks and the subst forms', () => {
  const makefile = parseMakefile(
    [
      'obj-$(CONFIG_FOO) += foo.o sub/',
      'foo-y := a.o \\',
      '\tb.o',
      'foo-$(CONFIG_FOO_DEBUG) += debug.o',
      'ifeq ($(CONFIG_PPC64),y)',
      'obj-y += only64.o',
      'else',
      'obj-y += only32.o',
      'endif',
      'obj-$(subst m,y,$(CONFIG_BAR)) += bar.o',
      'obj-$(CONFIG_BAZ:m=y) += baz.o',
      'parts := p1.o p2.o',
      'obj-$(CONFIG_P) += $(parts) init_$(BITS).o',
      'ccflags-y += -DDEBUG',
      'target: dep',
      '\tobj-y += recipe-line.o',
    ].join('\n'),
  );
  assert.deepEqual(makefile.problems, []);
  const obj = makefile.lists.get('obj')!;
  const describe = (text: string) => {
    const word = obj.find((candidate) => candidate.text === text)!;
    return word.conds.map((cond) => (cond.kind === 'symbol' ? `${cond.negated ? '!' : ''}${cond.name}` : cond.kind));
  };
  assert.deepEqual(describe('foo.o'), ['FOO']);
  assert.deepEqual(describe('sub/'), ['FOO']);
  assert.deepEqual(describe('only64.o'), ['PPC64']);
  assert.deepEqual(describe('only32.o'), ['!PPC64']);
  assert.deepEqual(describe('bar.o'), ['BAR']);
  assert.deepEqual(describe('baz.o'), ['BAZ']);
  assert.deepEqual(describe('p1.o'), ['P']);
  // A variable defined elsewhere (an arch Makefile's BITS) becomes a wildcard.
  assert.deepEqual(describe('init_*.o'), ['P']);
  assert.ok(!obj.some((word) => word.text === 'recipe-line.o'));
  assert.deepEqual(
    makefile.lists.get('foo')!.map((word) => [word.text, word.line, word.conds.length]),
    [
      ['a.o', 2, 0],
      ['b.o', 2, 0],
      ['debug.o', 4, 1],
    ],
  );
});

test('object lines kbuild cannot be read for are reported with their line', () => {
  const makefile = parseMakefile(
    ['obj-$(findstring y,$(CONFIG_A)) += a.o', 'obj-y += $(shell echo b.o)', 'ifdef CONFIG_C'].join('\n'),
  );
  assert.deepEqual(makefile.problems, [
    { line: 1, message: "cannot tell when 'obj-$(findstring y,$(CONFIG_A))' is built" },
    { line: 2, message: "cannot expand '$(shell echo b.o)'" },
    { line: 3, message: 'conditional is never closed with endif' },
  ]);
});
