// The DMA configuration of device nodes, against what Linux 6.1 computes at of_dma_configure time
// (drivers/of/device.c:of_dma_configure_id, drivers/of/address.c:of_dma_get_range and
// of_translate_dma_address, of_dma_is_coherent, drivers/iommu/of_iommu.c, of_dma_set_restricted_buffer).
// Every expected value is worked out by hand from those functions, in the comments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeJson, type Board } from '../../../server/src/devicetree';
import { boardFromText, DEVKIT, FAULTS, openBoard } from './support';

function config(board: Board, path: string) {
  const node = board.node(path);
  assert.ok(node, `${path} exists`);
  return board.config(node);
}

function windows(board: Board, path: string): string[] | null {
  return (
    config(board, path).windows?.map((w) => `${w.cpu.toString(16)}:${w.dma.toString(16)}:${w.size.toString(16)}`) ??
    null
  );
}

test('one window from the parent bus, bus_dma_limit at its end, the 32-bit masks unchanged', async () => {
  const board = await openBoard(DEVKIT);
  // /soc: dma-ranges = <0xc0000000 0x0 0x0 SZ_1G>: child bus 0xc000_0000 is parent address 0, the root
  // translates nothing: cpu 0 -> dma 0xc000_0000, 1 GiB. end = 0xc000_0000 + 0x4000_0000 - 1 = 0xffff_ffff,
  // DMA_BIT_MASK(ilog2(0xffffffff) + 1) = 32 bits.
  assert.deepEqual(windows(board, '/soc/dma-controller@7e007000'), ['0:c0000000:40000000']);
  const dma = config(board, '/soc/dma-controller@7e007000');
  assert.equal(dma.busDmaLimit, 0xffffffffn);
  assert.equal(dma.dmaMask, 0xffffffffn);
  assert.equal(dma.coherent, false); // arm64 default
  assert.equal(dma.iommu, null);
  assert.equal(dma.error, null);
});

test('the bus node itself takes its parent dma-ranges, not its own', async () => {
  const board = await openBoard(DEVKIT);
  // of_dma_configure_id starts at __of_get_dma_parent(np): /soc's own dma-ranges apply to its children only.
  assert.equal(windows(board, '/soc'), null);
  assert.equal(config(board, '/soc').busDmaLimit, null);
});

test('a nested bus translates its CPU side through every level above', async () => {
  const board = await openBoard(DEVKIT);
  // lpbus: child 0x1000_0000 = /soc bus 0xc000_0000, which /soc's window takes to CPU 0. Size 256 MiB:
  // end 0x1fff_ffff, ilog2 = 28, masks DMA_BIT_MASK(29).
  assert.deepEqual(windows(board, '/soc/bus@7e300000/audio@1000'), ['0:10000000:10000000']);
  const audio = config(board, '/soc/bus@7e300000/audio@1000');
  assert.equal(audio.busDmaLimit, 0x1fffffffn);
  assert.equal(audio.dmaMask, (1n << 29n) - 1n);
});

test('entries that continue each other on both sides become one window (of_pci_range_parser_one)', async () => {
  const board = await openBoard(DEVKIT);
  // /scb: 0..1 GiB and 1..2 GiB identity merge into 0..2 GiB; 0x1_0000_0000 stays alone.
  assert.deepEqual(windows(board, '/scb/ethernet@7d580000'), ['0:0:80000000', '100000000:100000000:80000000']);
  const gem = config(board, '/scb/ethernet@7d580000');
  assert.deepEqual(
    gem.windows?.map((w) => w.entries),
    [[0, 1], [2]],
  );
  // dma_start 0, dma_end 0x1_8000_0000: end 0x1_7fff_ffff (33 bits), so the 32-bit defaults stay.
  assert.equal(gem.busDmaLimit, 0x17fffffffn);
  assert.equal(gem.dmaMask, 0xffffffffn);
});

test('interconnects with "dma-mem" make the memory controller the DMA parent', async () => {
  const board = await openBoard(DEVKIT);
  // The codec sits on /scb but names mc in interconnects: of_dma_get_range starts at mc, whose entry takes
  // bus 0x8000_0000 to /scb address 0 and /scb takes that to CPU 0.
  assert.deepEqual(windows(board, '/scb/codec@7d700000'), ['0:80000000:40000000']);
  assert.equal(config(board, '/scb/codec@7d700000').rangesNode?.path, '/scb/memory-controller@7d800000');
});

test('a PCI device is configured from its host bridge: 3-cell addresses, coherence and iommu-map', async () => {
  const board = await openBoard(DEVKIT);
  const nic = config(board, '/scb/pcie@7d500000/pci@0,0/ethernet@0,0');
  assert.equal(nic.pciDevice, true);
  assert.equal(nic.configNode.path, '/scb/pcie@7d500000');
  // Entry 0: flags 0x0200_0000 (32-bit memory), bus 0 (the two cells after the flags), CPU 0 through /scb,
  // 3 GiB. Entry 1: flags 0x4300_0000, bus 0x10_0000_0000, CPU 0x1_0000_0000, 1 GiB. Different flags: no merge.
  assert.deepEqual(windows(board, '/scb/pcie@7d500000/pci@0,0/ethernet@0,0'), [
    '0:0:c0000000',
    '100000000:1000000000:40000000',
  ]);
  // end = 0x10_3fff_ffff: ilog2 = 36, a 37-bit mask, so the PCI defaults stay 32-bit.
  assert.equal(nic.busDmaLimit, 0x103fffffffn);
  assert.equal(nic.dmaMask, 0xffffffffn);
  assert.equal(nic.coherent, true); // dma-coherent on the bridge
  // reg phys.hi 0x10000: bus 1, devfn 0, RID 0x100, inside iommu-map's 0..0xffff.
  assert.equal(nic.iommu?.node.path, '/scb/iommu@7d900000');
  assert.equal(nic.iommu?.property, 'iommu-map');
  // The bridge itself is a platform device on /scb: /scb's windows, its own dma-coherent, no iommus.
  assert.deepEqual(windows(board, '/scb/pcie@7d500000'), ['0:0:80000000', '100000000:100000000:80000000']);
  assert.equal(config(board, '/scb/pcie@7d500000').iommu, null);
});

test('iommus attaches an IOMMU unless it is disabled; with an IOMMU there is no restricted pool', async () => {
  const board = await openBoard(DEVKIT);
  const gpu = config(board, '/scb/gpu@7dc00000');
  assert.equal(gpu.iommu?.node.path, '/scb/iommu@7d900000');
  assert.equal(gpu.restrictedPool, null); // of_dma_set_restricted_buffer only runs without an IOMMU
  assert.equal(gpu.coherent, true);
  const isp = config(board, '/scb/isp@7dd00000');
  assert.equal(isp.iommu, null); // of_iommu_xlate: !of_device_is_available -> NO_IOMMU
  assert.match(isp.iommuWhy ?? '', /disabled/);
});

test('restricted DMA pools: static, allocated at boot, and refused', async () => {
  const board = await openBoard(DEVKIT);
  const wifi = config(board, '/scb/wifi@7d600000');
  assert.deepEqual(wifi.restrictedPool && { base: wifi.restrictedPool.base, size: wifi.restrictedPool.size }, {
    base: 0x70000000n,
    size: 4n << 20n,
  });
  const bt = config(board, '/scb/bluetooth@7d610000');
  assert.equal(bt.restrictedPool?.base, null); // size without reg: __reserved_mem_alloc_size picks the place
  assert.equal(bt.restrictedPool?.size, 0x400000n);
  // The modem using the no-map pool is deleted by the devkit; the faults board's pool sits in a
  // /reserved-memory with the wrong cell sizes, which __reserved_mem_check_root rejects.
  assert.equal(board.node('/scb/modem@7d620000'), null);
  const faults = await openBoard(FAULTS);
  const user = config(faults, '/pool-user@7000000');
  assert.equal(user.restrictedPool, null);
  assert.match(user.error ?? '', /restricted-dma-pool.*-EINVAL.*unsupported node format/);
});

test('a no-map restricted pool is refused by rmem_swiotlb_setup', async () => {
  const board = await boardFromText(`/dts-v1/;
/ {
	#address-cells = <1>; #size-cells = <1>;
	reserved-memory {
		#address-cells = <1>; #size-cells = <1>; ranges;
		pool: restricted-dma@10000000 { compatible = "restricted-dma-pool"; reg = <0x10000000 0x100000>; no-map; };
	};
	dev@1000 { compatible = "acme,dev"; reg = <0x1000 0x10>; memory-region = <&pool>; };
};
`);
  const dev = config(board, '/dev@1000');
  assert.equal(dev.restrictedPool, null);
  assert.match(dev.error ?? '', /rmem_swiotlb_setup refuses a pool with no-map/);
});

test('the kernel error cases of of_dma_get_range and of_dma_configure_id', async () => {
  const board = await openBoard(FAULTS);
  // Entries that translate nowhere are skipped; none left: -EINVAL, configured as without dma-ranges.
  const lost = config(board, '/bus@2000000/bus@0/lost@100');
  assert.equal(lost.windows, null);
  assert.match(lost.error ?? '', /^-EINVAL: no dma-ranges entry of \/bus@2000000\/bus@0 translates/);
  assert.match(lost.notes.join(), /covers bus address 0x80000000/);
  // A size written as a mask: the span 0xffff_ffff is odd, warned about and taken as 4 GiB: end 0xffff_ffff.
  const masky = config(board, '/bus@3000000/masky-dev@0');
  assert.deepEqual(windows(board, '/bus@3000000/masky-dev@0'), ['0:0:ffffffff']);
  assert.equal(masky.busDmaLimit, 0xffffffffn);
  assert.match(masky.notes.join(), /Invalid size 0xffffffff/);
  // An empty dma-ranges under a bus without one: -ENODEV, no map, no limit. Nothing above translates, so the
  // device gets dma = phys as with no dma-ranges at all: a remark, not a problem of the tree.
  const cut = config(board, '/bus@4000000/bus@0/cut-dev@0');
  assert.equal(cut.windows, null);
  assert.equal(cut.busDmaLimit, null);
  assert.match(cut.remarks.join(), /-ENODEV: \/bus@4000000\/bus@0 has dma-ranges but \/bus@4000000 above it has none/);
  assert.equal(cut.notes.length, 0);
  // Seven cells with five per entry: one window, two cells ignored.
  assert.deepEqual(windows(board, '/bus@1000000/ragged-dev@1000'), ['0:0:40000000']);
  assert.match(config(board, '/bus@1000000/ragged-dev@1000').notes.join(), /7 cells, not a multiple of 5/);
  // A size-0 first entry ends dma_range_map: no usable window, bounds ~0..0 give size 1 -> 2, end 0, masks 0.
  const zero = config(board, '/bus@6000000/zero-dev@0');
  assert.deepEqual(zero.windows, []);
  assert.equal(zero.busDmaLimit, 0n);
  assert.equal(zero.dmaMask, 0n);
  assert.match(zero.notes.join(), /size 0 ends dma_range_map/);
});

test('an -ENODEV that drops a translation further up is a problem of the tree', async () => {
  // /soc translates (bus 0xc000_0000 is CPU 0); /soc/bus says nothing; /soc/bus/sub has `dma-ranges;`. The
  // walk stops at /soc/bus with -ENODEV, so the device never gets /soc's offset.
  const board = await boardFromText(`/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <1>;
	soc {
		compatible = "simple-bus";
		#address-cells = <1>;
		#size-cells = <1>;
		ranges;
		dma-ranges = <0xc0000000 0x0 0x40000000>;
		bus {
			compatible = "simple-bus";
			#address-cells = <1>;
			#size-cells = <1>;
			ranges;
			sub {
				compatible = "simple-bus";
				#address-cells = <1>;
				#size-cells = <1>;
				ranges;
				dma-ranges;
				dev@0 {
					compatible = "acme,dev";
					reg = <0x0 0x10>;
				};
			};
		};
	};
};
`);
  const dev = config(board, '/soc/bus/sub/dev@0');
  assert.equal(dev.windows, null);
  assert.match(dev.notes.join(), /-ENODEV: .*the translation in the dma-ranges of \/soc is never applied/);
});

test('a disabled restricted pool is a problem; a memory-region naming a carve-out is only a remark', async () => {
  const board = await boardFromText(`/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <1>;
	reserved-memory {
		#address-cells = <1>;
		#size-cells = <1>;
		ranges;
		off_pool: restricted-dma@30000000 {
			compatible = "restricted-dma-pool";
			reg = <0x30000000 0x400000>;
			status = "disabled";
		};
		video_mem: framebuffer@38000000 {
			reg = <0x38000000 0x800000>;
			no-map;
		};
	};
	wifi@1000 {
		compatible = "acme,wifi";
		reg = <0x1000 0x100>;
		memory-region = <&off_pool>;
	};
	display@2000 {
		compatible = "acme,display";
		reg = <0x2000 0x100>;
		memory-region = <&video_mem>;
	};
};
`);
  const wifi = config(board, '/wifi@1000');
  assert.equal(wifi.restrictedPool, null);
  assert.match(wifi.notes.join(), /restricted-dma-pool \/reserved-memory\/restricted-dma@30000000, which is disabled/);
  const display = config(board, '/display@2000');
  assert.deepEqual(display.notes, []);
  assert.match(display.remarks.join(), /names no restricted-dma-pool node/);
});

test('"Adjusted size 0x0 invalid": a span of 2^64 - 1 rounds to 0 and probe fails with -EINVAL', async () => {
  const board = await boardFromText(`/dts-v1/;
/ {
	#address-cells = <2>; #size-cells = <2>;
	bus {
		compatible = "simple-bus"; #address-cells = <2>; #size-cells = <2>; ranges;
		dma-ranges = <0x0 0x0 0x0 0x0 0xffffffff 0xffffffff>;
		dev@0 { compatible = "acme,dev"; reg = <0x0 0x0 0x0 0x10>; };
	};
};
`);
  assert.match(config(board, '/bus/dev@0').error ?? '', /Adjusted size 0x0 invalid/);
});

test('coherence: the nearest dma-coherent or dma-noncoherent wins, else the architecture default', async () => {
  const text = (arch: string) => `/dts-v1/;
/ {
	#address-cells = <1>; #size-cells = <1>;
	cpus { #address-cells = <1>; #size-cells = <0>; cpu@0 { compatible = "${arch}"; reg = <0>; }; };
	bus {
		compatible = "simple-bus"; #address-cells = <1>; #size-cells = <1>; ranges; dma-coherent;
		a@0 { compatible = "acme,a"; reg = <0x0 0x10>; };
		b@10 { compatible = "acme,b"; reg = <0x10 0x10>; dma-noncoherent; };
	};
	c@20 { compatible = "acme,c"; reg = <0x20 0x10>; };
};
`;
  const arm = await boardFromText(text('arm,cortex-a53'));
  assert.equal(config(arm, '/bus/a@0').coherent, true);
  assert.equal(config(arm, '/bus/b@10').coherent, false);
  assert.equal(config(arm, '/c@20').coherent, false);
});

test('translating through a PCI bus compares the space codes: memory does not match I/O (of_bus_pci_map)', async () => {
  // /bus@0 hangs below the PCI host bridge and names PCI memory address 0 as its parent side. The bridge's
  // dma-ranges entry covers address 0 but in I/O space (code 1): of_bus_pci_map refuses, the entry of /bus@0
  // translates to OF_BAD_ADDR, and with no entry left of_dma_get_range returns -EINVAL. With a memory-space
  // entry (code 2) the same address translates to CPU 0.
  const text = (space: string) => `/dts-v1/;
/ {
	#address-cells = <2>; #size-cells = <2>;
	pcie@1000 {
		device_type = "pci"; #address-cells = <3>; #size-cells = <2>;
		reg = <0x0 0x1000 0x0 0x100>;
		dma-ranges = <${space} 0x0 0x0 0x0 0x0 0x0 0x40000000>;
		bus@0 {
			compatible = "simple-bus"; #address-cells = <1>; #size-cells = <1>;
			reg = <0x0 0x0 0x0 0x0 0x0>;
			dma-ranges = <0x0 0x02000000 0x0 0x0 0x1000000>;
			dev@0 { compatible = "acme,dev"; reg = <0x0 0x10>; };
		};
	};
};
`;
  const io = await boardFromText(text('0x01000000'));
  assert.equal(windows(io, '/pcie@1000/bus@0/dev@0'), null);
  assert.match(config(io, '/pcie@1000/bus@0/dev@0').error ?? '', /-EINVAL/);
  const memory = await boardFromText(text('0x02000000'));
  assert.deepEqual(windows(memory, '/pcie@1000/bus@0/dev@0'), ['0:0:1000000']);
});

test('the JSON form has exactly the fields of the contract, with plain hex', async () => {
  const board = await openBoard(DEVKIT);
  const node = board.node('/scb/wifi@7d600000')!;
  assert.deepEqual(nodeJson(node, board.config(node)), {
    path: '/scb/wifi@7d600000',
    compatible: ['acme,a1-wifi'],
    dma_ranges: [
      { cpu: '0x0', dma: '0x0', size: '0x80000000' },
      { cpu: '0x100000000', dma: '0x100000000', size: '0x80000000' },
    ],
    bus_dma_limit: '0x17fffffff',
    coherent: false,
    iommu: false,
    restricted_pool: { base: '0x70000000', size: '0x400000' },
    error: null,
  });
});

test('the listed devices leave out the root, chosen, aliases, memory, cpus, reserved-memory and disabled nodes', async () => {
  const board = await openBoard(DEVKIT);
  const paths = board.devices().map((node) => node.path);
  for (const path of paths) assert.doesNotMatch(path, /^\/(chosen|aliases|cpus|memory|reserved-memory)/);
  assert.ok(!paths.includes('/'));
  // The GEM is enabled by the devkit's &gem override; the UART by &uart0.
  assert.ok(paths.includes('/scb/ethernet@7d580000'));
  assert.ok(paths.includes('/soc/serial@7e201000'));
  // gpio-leds children have no compatible; the unreferenced /omit-if-no-ref/ led is gone.
  assert.equal(board.node('/leds/led-unused'), null);
  assert.ok(board.node('/leds/led-act'));
});
