// The driver-context facts checked on the real Linux 6.1 tree, on the built server over stdio: which
// platforms a call is shown on for drivers whose Kconfig pins them to one machine (the facts the hover's
// pipeline lists), and the sizes a kernel developer reads at a glance (the hover). Each line of the result says what was expected, from the kernel's Kconfig
// and headers, and what the hover said.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from './lsp-client.mjs';

const TARGETS = [
  ['drivers/net/ethernet/ibm/ibmveth.c', 'dma_map_single(', /^pseries, pseries-svm$/],
  ['drivers/dma/bcm2835-dma.c', 'dma_map_page_attrs(', /^rpi4-soc, rpi4-pcie, rpi1, rpi2-3$/],
  ['drivers/net/ethernet/apple/bmac.c', 'virt_to_bus(', /^ppc32-pci-dram-offset$/],
  ['drivers/nvme/host/pci.c', 'dma_map_sgtable(', /\bx86_64\b.*\bpseries\b/],
];
const SIZES = [
  ['drivers/usb/core/hcd.c', 'dma_map_single(', 'sizeof(struct usb_ctrlrequest)', /= 8 bytes/],
  ['drivers/net/ethernet/dec/tulip/interrupt.c', 'dma_map_single(', 'PKT_BUF_SZ', /= 1540 bytes/],
  [
    'drivers/net/ethernet/sis/sis900.c',
    'dma_map_single(',
    'RX_BUF_SIZE',
    /= 1540 bytes with CONFIG_VLAN_8021Q=y.*1536 with CONFIG_VLAN_8021Q=n/,
  ],
];

/** The first call of `call` whose arguments (the next few lines) hold `argument`. */
function callWith(text, call, argument) {
  for (let at = text.indexOf(call); at >= 0; at = text.indexOf(call, at + 1))
    if (
      text
        .slice(at, at + 300)
        .split(';')[0]
        .includes(argument)
    )
      return at;
  return null;
}

/** Opens the file and gives the position one character into the call name that starts at `offset`. */
function openAt(client, tree, path, offset) {
  const file = join(tree, path);
  const text = readFileSync(file, 'utf8');
  const uri = pathToFileURL(file).toString();
  client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text } });
  const before = text.slice(0, offset + 1);
  const position = { line: before.split('\n').length - 1, character: offset + 1 - (before.lastIndexOf('\n') + 1) };
  return { uri, position };
}

/** The hover at the call, with markdown escapes removed. */
async function hover(client, tree, path, offset) {
  const { uri, position } = openAt(client, tree, path, offset);
  const answer = await client.request('textDocument/hover', { textDocument: { uri }, position });
  return (answer?.contents?.value ?? '').replace(/\\(.)/g, '$1');
}

/** The platforms the call is shown on, from the facts the pipeline view lists: `Platforms: a, b (why).` */
async function platformsAt(client, tree, path, offset) {
  const answer = await client.request('dmalens/callSiteAt', openAt(client, tree, path, offset));
  const fact = (answer?.facts ?? []).find((line) => line.startsWith('Platforms: '));
  return /^Platforms: (.+?) \(/.exec(fact ?? '')?.[1] ?? '(no platforms fact)';
}

/** The checks whose files the tree holds (all of them on Linux 6.1; none on a small test tree). */
export async function checkDriverContext({ serverScript, tree, env }) {
  const present = ([path]) => existsSync(join(tree, path));
  if (![...TARGETS, ...SIZES].some(present)) return [];
  const client = new LspClient(serverScript, { env });
  const lines = [];
  try {
    await client.initialize(null);
    for (const [path, call, expected] of TARGETS.filter(present)) {
      const text = readFileSync(join(tree, path), 'utf8');
      const shown = await platformsAt(client, tree, path, text.indexOf(call));
      lines.push({ check: `${path} targets`, expected: String(expected), got: shown, ok: expected.test(shown) });
    }
    for (const [path, call, argument, expected] of SIZES.filter(present)) {
      const text = readFileSync(join(tree, path), 'utf8');
      const offset = callWith(text, call, argument);
      const markdown = offset === null ? '' : await hover(client, tree, path, offset);
      const fact =
        new RegExp(`size \`${argument.replace(/[()[\]*.]/g, '\\$&')}\` [^·]*`).exec(markdown)?.[0]?.trim() ??
        '(no size fact)';
      lines.push({ check: `${path} ${argument}`, expected: String(expected), got: fact, ok: expected.test(fact) });
    }
  } finally {
    await client.shutdown();
  }
  return lines;
}
