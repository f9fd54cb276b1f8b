// Resolving device-tree source as the kernel build does: dtc's tree rules (merges, deletions that a later
// definition undoes, labels, phandles in dtc's order, path references, /bits/, byte strings), the
// preprocessor with the kernel's include paths, overlays, and problems that point at the line the user wrote.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { problemLines } from '../../../server/src/devicetree';
import { boardFromText, CAMERA, DEVKIT, openBoard } from './support';

const hex = (bytes: Uint8Array | undefined) => (bytes ? Buffer.from(bytes).toString('hex') : undefined);

test('a redefined property keeps its place and takes the new value; a deleted one comes back when redefined', async () => {
  const board = await boardFromText(`/dts-v1/;
/ {
	node {
		a = <1>;
		b = "x";
		c;
	};
};
/ {
	node {
		/delete-property/ b;
		a = <2>;
		b = "y";
		/delete-property/ c;
	};
};
`);
  const node = board.node('/node')!;
  assert.deepEqual(
    node.properties.filter((p) => !p.deleted).map((p) => p.name),
    ['a', 'b'],
  );
  assert.equal(hex(node.property('a')?.bytes), '00000002');
  assert.equal(hex(node.property('b')?.bytes), '7900'); // "y\\0"
});

test('/delete-node/ by name and by label, and a node defined again after deletion', async () => {
  const board = await boardFromText(`/dts-v1/;
/ {
	keep { };
	gone: gone { x = <1>; };
	back { old = <1>; child { }; };
};
/delete-node/ &gone;
/ {
	/delete-node/ back;
	back { new = <2>; };
};
`);
  assert.equal(board.node('/gone'), null);
  const back = board.node('/back')!;
  // dtc brings the node back with only what was defined after the deletion.
  assert.deepEqual(
    back.properties.filter((p) => !p.deleted).map((p) => p.name),
    ['new'],
  );
  assert.equal(board.node('/back/child'), null);
  assert.match(problemLines(board).join('\n'), /^$/);
});

test('phandles are numbered in dtc order: explicit ones kept, then first reference first', async () => {
  const board = await boardFromText(`/dts-v1/;
/ {
	a: a { phandle = <1>; };
	b: b { };
	c: c { };
	user { refs = <&c &b &a &c>; path = &b; };
};
`);
  // a keeps 1; c is referenced first and gets the next free number, 2; then b gets 3.
  assert.equal(board.node('/a')!.phandle, 1);
  assert.equal(board.node('/c')!.phandle, 2);
  assert.equal(board.node('/b')!.phandle, 3);
  assert.equal(hex(board.node('/user')!.property('refs')?.bytes), '00000002000000030000000100000002');
  assert.equal(hex(board.node('/user')!.property('path')?.bytes), Buffer.from('/b\0').toString('hex'));
});

test('/bits/ applies to the one array it precedes; strings keep their escapes; byte strings pair digits', async () => {
  const board = await openBoard(DEVKIT);
  const audio = board.node('/soc/bus@7e300000/audio@1000')!;
  // /bits/ 8 <0x10 0x20>, <0x30>: two bytes, then a 32-bit cell.
  assert.equal(hex(audio.property('acme,gains')?.bytes), '102000000030');
  assert.equal(hex(audio.property('acme,name')?.bytes), Buffer.from('mix\tout!\0').toString('hex'));
  const isp = board.node('/scb/isp@7dd00000')!;
  assert.equal(hex(isp.property('acme,mode')?.bytes), '1234abcd');
  assert.equal(hex(board.node('/scb/ethernet@7d580000')!.property('local-mac-address')?.bytes), '020000ac0001');
});

test('macros from dt-bindings headers: multi-cell pads, char arithmetic, pasted labels, #ifdef', async () => {
  const board = await openBoard(DEVKIT);
  const pins = board.node('/soc/pinctrl@7e200000/uart0-pins')!;
  assert.equal(hex(pins.property('acme,pins')?.bytes), '00000010000002100000000000000001');
  // ACME_PINMUX('B', 3, 2) = ((('B' - 'A') * 0x20 + 3) << 8) | 2 = (0x23 << 8) | 2 = 0x2302.
  assert.equal(hex(pins.property('acme,mux')?.bytes), '00002302');
  assert.deepEqual(pins.liveLabels, ['acme_uart0_pins']);
  // DEVKIT_BANKS takes the #ifdef branch: two banks of 2 GiB.
  assert.deepEqual(
    board.memory.map((bank) => [bank.base, bank.size]),
    [
      [0n, 0x80000000n],
      [0x100000000n, 0x80000000n],
    ],
  );
  // ACME_CLK_GEM = (ACME_CLK_UART0 + 1) = 2, evaluated in the cell.
  const clocks = board.node('/scb/ethernet@7d580000')!.cells('clocks');
  assert.equal(clocks?.[1], 2);
});

test('overlays apply in order on top of the board, as fdtoverlay does', async () => {
  const board = await openBoard(DEVKIT, [CAMERA]);
  const isp = board.node('/scb/isp@7dd00000')!;
  assert.deepEqual(isp.strings('acme,sensor'), ['imx219']);
  assert.deepEqual(isp.strings('status'), ['okay']);
  assert.equal(hex(board.node('/scb/ethernet@7d580000')!.property('local-mac-address')?.bytes), '020000ac0002');
  // The base keeps what the overlay does not touch.
  assert.equal(hex(isp.property('acme,mode')?.bytes), '1234abcd');
});

test('an overlay read on its own is not an error: its targets are in the base', async () => {
  const board = await openBoard(CAMERA);
  assert.ok(!board.failed, problemLines(board).join('\n'));
  assert.match(problemLines(board).join('\n'), /warning: '&isp' is in the base this overlay is applied to/);
});

test('problems point at the file and line the user wrote, through includes and macros', async () => {
  const board = await boardFromText(
    `/dts-v1/;
#include "parts.dtsi"
/ {
	node {
		prop = <UNDEFINED_MACRO>;
	};
};
&missing { };
`,
    { 'parts.dtsi': '/ {\n\tother { ref = <&nowhere>; };\n};\n' },
  );
  assert.ok(board.failed);
  const lines = problemLines(board).join('\n');
  assert.match(lines, /board\.dts:5:\d+: error: 'UNDEFINED_MACRO' is not defined by any included header/);
  assert.match(lines, /board\.dts:8:1: error: label or path '&missing' not found/);
  assert.match(lines, /parts\.dtsi:2:\d+: error: reference to non-existent node or label '&nowhere'/);
});

test('a missing include and #error stop the build as cpp stops it', async () => {
  const missing = await boardFromText('/dts-v1/;\n#include <dt-bindings/none.h>\n/ { };\n');
  assert.ok(missing.failed);
  assert.match(problemLines(missing).join(), /#include <dt-bindings\/none\.h>: file not found/);
  const error = await boardFromText('/dts-v1/;\n#error no such board\n/ { };\n');
  assert.ok(error.failed);
  assert.match(problemLines(error).join(), /#error no such board/);
});

test('garbage does not throw: binary bytes, unbalanced braces, an include of itself', async () => {
  const garbage = await boardFromText('/dts-v1/;\n/ { a = <1 2; b { ;;; } } }}} \u0000\u0001 <<>> "unterminated\n');
  assert.ok(garbage.failed);
  const loop = await boardFromText('/dts-v1/;\n#include "board.dts"\n/ { };\n');
  assert.ok(loop.failed);
  assert.match(problemLines(loop).join(), /nested more than 64 deep/);
});
