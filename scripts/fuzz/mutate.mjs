// Mutants of kernel-style C for the fuzz harness: seeded, so a failing mutant can be made again from its
// seed. The operators are the shapes that broke the server before: text cut anywhere, lines repeated,
// calls left open, parentheses nested deep, very long lines, binary bytes and characters outside ASCII.

/** mulberry32: a small, well-mixed 32-bit generator; the same seed gives the same mutants. */
export function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CALLS = [
  'dma_map_single(',
  'dma_sync_single_for_cpu(dev, h, ',
  'dma_unmap_sg(',
  'virtqueue_add_inbuf(',
  'virt_to_phys(',
];
const ODD = [
  '\u0000',
  '\u202e',
  '\ufffd',
  '\r',
  '\r\n',
  '\t',
  'é',
  '\u{1F600}',
  '\\',
  '"',
  "'",
  '/*',
  '*/',
  '{',
  '}',
  '(',
  ')',
];

const OPERATORS = [
  function cut(text, pick) {
    const at = pick(text.length);
    return text.slice(0, at) + text.slice(at + pick(200));
  },
  function repeatLines(text, pick) {
    const lines = text.split('\n');
    const at = pick(lines.length);
    const copy = lines.slice(at, at + 1 + pick(20));
    const times = 1 + pick(50);
    lines.splice(at, 0, ...Array.from({ length: times }, () => copy).flat());
    return lines.join('\n');
  },
  function openCalls(text, pick) {
    const at = pick(text.length);
    const call = CALLS[pick(CALLS.length)];
    return text.slice(0, at) + call.repeat(1 + pick(2000)) + text.slice(at);
  },
  function nest(text, pick) {
    const at = pick(text.length);
    const depth = 1 + pick(1500);
    return `${text.slice(0, at)}${'f('.repeat(depth)}dma_map_single(dev, p, 4, DMA_TO_DEVICE)${')'.repeat(pick(2) ? depth : 0)}${text.slice(at)}`;
  },
  function longLine(text, pick) {
    const at = text.indexOf('\n', pick(text.length));
    const line = ` + VIRTIO_F_IOMMU_PLATFORM * ${pick(9)}`.repeat(1 + pick(4000));
    return at < 0 ? text + line : text.slice(0, at) + line + text.slice(at);
  },
  function oddCharacters(text, pick) {
    let out = text;
    for (let count = 1 + pick(30); count > 0; count--) {
      const at = pick(out.length);
      out = out.slice(0, at) + ODD[pick(ODD.length)] + out.slice(at);
    }
    return out;
  },
  function swapHalves(text, pick) {
    const at = pick(text.length);
    return text.slice(at) + text.slice(0, at);
  },
];

/** One mutant of `text`: one to three operators, chosen by the seed. */
export function mutate(text, seed) {
  const next = random(seed);
  const pick = (limit) => Math.floor(next() * Math.max(1, limit));
  let out = text;
  const applied = [];
  for (let count = 1 + pick(3); count > 0; count--) {
    const operator = OPERATORS[pick(OPERATORS.length)];
    out = operator(out, pick);
    applied.push(operator.name);
  }
  return { text: out, operators: applied };
}
