// Macro expansion and #if conditions of the shared preprocessor, held to GNU cpp itself: each case is run
// through `cpp -P -undef -nostdinc -x assembler-with-cpp` (what the kernel runs on device trees) and through
// the device-tree preprocessor, and the token sequences must match. The C standard's own examples of
// rescanning, # and ## (C11 6.10.3.5) are among the cases, with the results the standard states.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { preprocess } from '../../../server/src/devicetree/preprocess';
import { createMacroEngine } from '../../../server/src/devicetree/macros';
import { charLiteralValue, tokenize } from '../../../server/src/preprocessor';

/** Runs our preprocessor on one in-memory file. */
function ours(text: string): string {
  const result = preprocess('/virtual/main.dts', {
    reader: { read: (path) => (path === '/virtual/main.dts' ? text : null) },
    includeDirs: [],
    dtcIncludeDirs: [],
    macros: createMacroEngine(),
  });
  assert.deepEqual(
    result.problems.filter((problem) => problem.severity === 'error').map((problem) => problem.message),
    [],
  );
  return result.text;
}

function cpp(text: string): string | null {
  const run = spawnSync('cpp', ['-P', '-undef', '-nostdinc', '-x', 'assembler-with-cpp', '-'], {
    input: text,
    encoding: 'utf8',
  });
  return run.status === 0 ? run.stdout : null;
}

/**
 * Token texts, so that the comparison ignores the spacing cpp is free to choose. Character literals count by
 * value: the device-tree preprocessor writes them as numbers, which dtc reads the same way.
 */
function tokens(text: string): string[] {
  return tokenize(text)
    .filter((token) => token.kind !== 'newline')
    .map((token) => (token.kind === 'char' ? String(charLiteralValue(token.text)) : token.text));
}

// C11 6.10.3.5 EXAMPLE 3, with the result the standard gives.
const STANDARD_EXAMPLE_3 = `#define x 3
#define f(a) f(x * (a))
#undef x
#define x 2
#define g f
#define z z[0]
#define h g(~
#define m(a) a(w)
#define w 0,1
#define t(a) a
#define p() int
#define q(x) x
#define r(x,y) x ## y
#define str(x) # x
f(y+1) + f(f(z)) % t(t(g)(0) + t)(1);
g(x+(3,4)-w) | h 5) & m(f)^m(m);
p() i[q()] = { q(1), r(2,3), r(4,), r(,5), r(,) };
char c[2][6] = { str(hello), str() };
`;
const STANDARD_RESULT_3 = `f(2 * (y+1)) + f(2 * (f(2 * (z[0])))) % f(2 * (0)) + t(1);
f(2 * (2+(3,4)-0,1)) | f(2 * (~ 5)) & f(2 * (0,1))^m(0,1);
int i[] = { 1, 23, 4, 5, };
char c[2][6] = { "hello", "" };
`;

test('C11 6.10.3.5 example 3: rescanning, hide sets, # and ## give what the standard says', () => {
  assert.deepEqual(tokens(ours(STANDARD_EXAMPLE_3)), tokens(STANDARD_RESULT_3));
});

const CASES: Record<string, string> = {
  'object-like chains and self-reference': '#define A B\n#define B A\n#define C C + 1\nA B C\n',
  'function-like macro pulls its arguments from after its own expansion':
    '#define f(x) [x]\n#define g f\n#define h() f\ng(1) h()(2) f (3)\n',
  'a function-like name without ( stays': '#define f(x) x\nf + f(1)\n',
  'nested arguments are expanded before substitution, not next to # and ##':
    '#define ONE 1\n#define cat(a,b) a##b\n#define xcat(a,b) cat(a,b)\n#define str(a) #a\n#define xstr(a) str(a)\ncat(ONE,2) xcat(ONE,2) str(ONE) xstr(ONE)\n',
  'stringizing escapes quotes and collapses spaces': '#define s(x) #x\ns( a   "b\\n"  \'c\' ) s()\n',
  'variadic macros and GNU comma swallowing':
    '#define v(fmt, ...) f(fmt, ## __VA_ARGS__)\n#define w(...) [__VA_ARGS__]\n#define n(a, rest...) a rest\nv(x) v(x, 1, 2) w() w(1,(2,3)) n(1) n(1, 2, 3)\n',
  'pasting into device-tree names and labels':
    '#define NODE(n, a) n##_##a: n@a\n#define PIN(p) &pin_##p\nNODE(uart, 7e201000) { pinctrl-0 = <PIN(tx) PIN(rx)>; };\n',
  'i.MX style pad macros expand to several cells':
    '#define PAD_A 0x2c8 0x6b0 0x000 0x0 0x0\n#define PAD_B 0x2cc 0x6b4 0x000 0x0 0x0\nfsl,pins = < PAD_A 0x17059 PAD_B 0x17059 >;\n',
  'STM32 style char arithmetic':
    "#define PINMUX(port, line, mode) (((((port) - 'A') * 0x10 + (line)) << 8) | (mode))\n#define AF7 0x8\npinmux = <PINMUX('A', 9, AF7)>;\n",
  'conditionals with defined, expressions and nesting':
    '#define V 3\n#if defined(V) && V > 2\nyes1\n#if V == 4\nno1\n#elif V == 3\nyes2\n#else\nno2\n#endif\n#endif\n#ifndef W\nyes3\n#else\nno3\n#endif\n#if (1 ? 2 : (1/0)) == 2\nyes4\n#endif\n#if -1 > 0u\nyes5\n#endif\n#if UNDEFINED_NAME == 0\nyes6\n#endif\n',
  'undef and redefinition in order': '#define X 1\nX\n#undef X\nX\n#define X 2\nX\n',
  'arguments spanning lines': '#define f(a, b) a + b\nf(1,\n  2) f\n(3, 4)\n',
  'macro names inside strings and device-tree property names are left alone':
    '#define compatible broken\n#define okay 1\nstatus = "okay"; x-compatible = <1>;\n',
};

for (const [name, text] of Object.entries(CASES)) {
  test(`expansion matches cpp: ${name}`, (context) => {
    const expected = cpp(text);
    if (expected === null) return context.skip('cpp is not installed (scripts/install-test-deps.sh installs it)');
    assert.deepEqual(tokens(ours(text)), tokens(expected));
  });
}

test('a macro that expands forever is cut off with a message, not a hang', () => {
  // Each level doubles the text: 2^40 tokens would never finish.
  const defines = Array.from({ length: 40 }, (_, index) => `#define L${index + 1} L${index} L${index}`).join('\n');
  const result = preprocess('/virtual/main.dts', {
    reader: { read: () => `#define L0 x\n${defines}\nL40\n` },
    includeDirs: [],
    dtcIncludeDirs: [],
    macros: createMacroEngine(),
  });
  assert.ok(result.failed);
  assert.match(result.problems[0]!.message, /grows beyond/);
});

test('an unterminated argument list and a wrong argument count are reported as cpp reports them', () => {
  const run = (text: string) =>
    preprocess('/virtual/main.dts', {
      reader: { read: () => text },
      includeDirs: [],
      dtcIncludeDirs: [],
      macros: createMacroEngine(),
    }).problems.map((problem) => problem.message);
  assert.match(run('#define f(a) a\nf(1\n').join(), /unterminated argument list invoking macro "f"/);
  assert.match(run('#define f(a, b) a\nf(1)\n').join(), /macro "f" requires 2 arguments, but only 1 given/);
});
