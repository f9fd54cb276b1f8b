// Hover on a recognised call, small enough for the editor's hover without scrolling: a heading that says
// which platforms differ from the first and how, the core's compact table for the call's worked example
// (real size and direction when the source fixes them), for virtio add calls whether the DMA API is used
// with and without VIRTIO_F_ACCESS_PLATFORM, and one paragraph of what is example and what is fact with a
// link that opens the address pipeline, where the rules, kernel functions and every fact are. Positions
// outside any recognised call answer null.
import {
  catalogueEntry,
  DIRECTION_KERNEL_NAME,
  escapeMarkdown,
  formatAddress,
  markdownCode,
  renderHoverTable,
  type OpResult,
  type PlatformResult,
  type Request,
} from '@dmalens/core';
import { MarkupKind, type Connection, type Hover } from 'vscode-languageserver/node';
import type { CallSite } from '../analysis/callsite';
import { shippedSpecLinks, specSectionUri } from '../docs/bundled-docs';
import {
  compareMasks,
  EXAMPLE_SIZE_VALUE,
  EXAMPLE_PHYS_VALUE,
  HIGH_PHYS,
  maskBits,
  outcomeWords,
  rawPhysOutcomes,
  rowWord,
  siteRows,
  subjectOf,
  virtioOutcomes,
  type DriverContext,
  type PlatformModel,
  type SiteRows,
  type SiteSimulation,
  type VirtioOutcome,
} from '../sites';
import { boardHoverAt } from './board-features';
import { pipelineCommandUri } from './pipeline-link';
import type { ServerState } from './server-state';

export function registerHover(connection: Connection, state: ServerState): void {
  connection.onHover((params): Hover | null | Promise<Hover | null> => {
    const uri = params.textDocument.uri;
    if (state.boards.has(uri)) return boardHoverAt(state, uri, params.position);
    const site = state.documents.get(uri)?.analysis?.siteAt(params.position) ?? null;
    if (!site) return null;
    const markdown = hoverMarkdown(site, state.context(uri), uri);
    return { contents: { kind: MarkupKind.Markdown, value: markdown }, range: site.nameRange };
  });
}

export function hoverMarkdown(site: CallSite, context: DriverContext, uri: string): string {
  const { model } = context;
  const parts: string[] = [];
  const entry = catalogueEntry(site.api);
  const rows = siteRows(site, context);
  let results: PlatformResult[] = [];
  if (rows) {
    results = rows.rows.flatMap((row) =>
      row.result ? [{ platform: { id: row.platform, title: row.title, short: row.short }, result: row.result }] : [],
    );
    // What differs leads, in the heading: the words a reader needs before the table.
    parts.push(`**${markdownCode(site.api)}** — ${differsLine(rows)}`);
    parts.push(renderHoverTable(results));
    const failed = rows.rows.filter((row) => !row.result);
    if (failed.length)
      parts.push(
        failed
          .map(
            (row) =>
              `${escapeMarkdown(row.short)}: ${escapeMarkdown(row.notReached ?? `not simulated (${row.error ?? 'no result'})`)}`,
          )
          .join('  \n'),
      );
    const moved = movedExamples(rows.simulation, model);
    if (moved) parts.push(moved);
  } else {
    parts.push(
      `**${markdownCode(site.api)}** — ${escapeMarkdown(entry?.kind ?? site.kind)}${entry ? ` (${markdownCode(entry.header)})` : ''}`,
    );
    if (site.kind === 'raw-phys') parts.push(rawPhysTable(model));
    const bits = site.kind === 'mask' ? maskBits(site.args[1]) : null;
    if (bits !== null) parts.push(maskTable(model, bits));
  }
  if (site.kind === 'virtio-add') parts.push(virtioTable(virtioOutcomes(site, context)));
  if (entry?.note) parts.push(escapeMarkdown(entry.note));
  if (entry?.removedIn)
    parts.push(
      `Removed in Linux ${escapeMarkdown(entry.removedIn)}; use ${escapeMarkdown(entry.replacement ?? 'the DMA API')}.`,
    );
  // What the rows were computed from, in one flowing paragraph, so that the hover fits the editor's hover
  // size; the pipeline view, one click away, has the rules, the kernel functions and every fact in full.
  const footer = [
    ...(rows
      ? [`Worked example: ${escapeMarkdown(exampleWords(rows.simulation))}`, keyFacts(site, rows.simulation, context)]
      : []),
    escapeMarkdown(`Targets: ${besideTheFile(context.platforms.why, uri)}`),
  ];
  if (rows) {
    footer.push(
      `[Open the address pipeline](${pipelineCommandUri({ uri, position: site.nameRange.start, platforms: model.selected.map((profile) => profile.id) })} "${PIPELINE_LINK_TITLE}")`,
    );
    const sections = specSections(results[0]?.result ?? null);
    if (sections) footer.push(sections);
  }
  const boards = context.boards.map((board) => `Board: ${escapeMarkdown(board.why)}`);
  parts.push([footer.join(' · '), ...boards].join('  \n'));
  return parts.join('\n\n');
}

/** Paths in the file's own directory shortened to their names (`Makefile:8`): the hover has little room. */
function besideTheFile(text: string, uri: string): string {
  const directory = uri.slice(0, uri.lastIndexOf('/') + 1);
  return text.replace(/(?:[\w.+-]+\/)+([\w.+-]+)/g, (path: string, name: string) =>
    directory.endsWith(`/${path.slice(0, path.length - name.length)}`) ? name : path,
  );
}

const PIPELINE_LINK_TITLE = "Each platform's rule and kernel functions, and every fact the source gives";

/** The spec sections of the first platform's stages, linked to the spec shipped with the server: `spec §1.1 §1.2`. */
function specSections(result: OpResult | null): string {
  const spec = shippedSpecLinks();
  const sections = [...new Set((result?.stages ?? []).flatMap((stage) => (stage.spec ? [stage.spec] : [])))];
  if (!sections.length) return '';
  const items = sections.map((section) =>
    spec ? `[${escapeMarkdown(section)}](${specSectionUri(spec, section)})` : escapeMarkdown(section),
  );
  return `spec ${items.join(' ')}`;
}

/**
 * `differs from x86: VT-d → IOMMU · pseries, powernv → direct 0x800_0000_1234_5000`: the platforms whose
 * path, device address or cost is not the first's, those that agree named together.
 */
function differsLine(rows: SiteRows): string {
  const [reference, ...others] = rows.rows;
  if (!reference) return '';
  const outcomes = new Map<string, string[]>();
  for (const row of others) {
    const address = row.result?.dma ?? null;
    const otherAddress = address !== null && address !== (reference.result?.dma ?? null);
    const otherPath = row.result?.path !== reference.result?.path;
    if (!otherAddress && !otherPath && rowWord(row) === rowWord(reference)) continue;
    // Another path says itself in a word (IOMMU, bounce); on the same path it is the address that differs.
    const outcome = `${rowWord(row)}${otherAddress && !otherPath ? ` ${formatAddress(address)}` : ''}`;
    outcomes.set(outcome, [...(outcomes.get(outcome) ?? []), row.short]);
  }
  const differing = [...outcomes].map(([outcome, names]) => `${names.join(', ')} → ${outcome}`);
  return escapeMarkdown(
    differing.length
      ? `differs from ${reference.short}: ${differing.join(' · ')}`
      : `every platform here does as ${reference.short} does.`,
  );
}

/** Where the example buffer lies on platforms whose RAM does not hold the usual example address. */
function movedExamples(simulation: SiteSimulation, model: PlatformModel): string | null {
  if (!simulation.exampleFields.includes('phys')) return null;
  const moved = model.selected.flatMap((profile) => {
    const phys = model.ramExample(profile.id, EXAMPLE_PHYS_VALUE);
    return phys === EXAMPLE_PHYS_VALUE ? [] : [`${profile.short}: phys ${formatAddress(phys)}`];
  });
  return moved.length
    ? escapeMarkdown(
        `The example buffer lies in each platform's RAM; where that starts elsewhere: ${moved.join('; ')}.`,
      )
    : null;
}

/** The worked example's inputs in words, read from the request that holds the buffer. */
function exampleWords(simulation: SiteSimulation): string {
  const example = (field: string) => (simulation.exampleFields.some((name) => name === field) ? ' (example)' : '');
  const subject: Request = subjectOf(simulation);
  const size = (bytes: bigint) => `${bytes} B${example('size')}`;
  const direction = (dir: keyof typeof DIRECTION_KERNEL_NAME) => `${DIRECTION_KERNEL_NAME[dir]}${example('dir')}`;
  const phys = `phys ${formatAddress(EXAMPLE_PHYS_VALUE)}${example('phys')}`;
  switch (subject.op) {
    case 'map_single':
    case 'map_page':
      return `${phys}, ${size(subject.size)}, ${direction(subject.dir)}`;
    case 'map_resource':
      // 6.1 refuses RAM in dma_map_resource, so each platform maps an MMIO address of its own.
      return `phys = an MMIO example per platform (PCI hole start or first address above RAM), ${size(subject.size)}, ${direction(subject.dir)}`;
    case 'map_sg':
      return `one entry: ${phys}, ${size(subject.entries[0]!.size)}, ${direction(subject.dir)}`;
    case 'alloc_coherent':
      return size(subject.size);
    case 'dma_pool_create':
      return `a pool of ${size(subject.size)} blocks`;
    case 'virtqueue_add': {
      const toDevice = subject.out.length > 0;
      const buffer = (toDevice ? subject.out : subject.in)[0]!;
      return `${phys}, ${size(buffer.size)}, ${toDevice ? 'DMA_TO_DEVICE (out buffer)' : 'DMA_FROM_DEVICE (in buffer)'}`;
    }
    default:
      return subject.op;
  }
}

/**
 * The mask in force and the size in a few words (the pipeline view lists every fact): a literal size is in
 * the heading already; a name or an expression says what it came to, or that it is a stand-in.
 */
function keyFacts(site: CallSite, simulation: SiteSimulation, context: DriverContext): string {
  const facts = [`mask ${escapeMarkdown(context.maskShort)}`];
  const size = site.size;
  if (size && !/^\d+$/.test(size.text.trim())) {
    const words = simulation.sizeWords ?? null;
    const value = simulation.exampleFields.includes('size')
      ? `unknown (${words ?? 'not a constant'}): ${EXAMPLE_SIZE_VALUE} B stand-in`
      : `= ${words ?? `${size.value} bytes`}`;
    facts.push(`size ${markdownCode(size.text)} ${escapeMarkdown(value)}`);
  }
  if (site.direction === 'unknown' && simulation.exampleFields.includes('dir'))
    facts.push(escapeMarkdown('direction not constant (DMA_BIDIRECTIONAL in the example)'));
  return facts.join(' · ');
}

/** What the DMA API would give the device for the memory a raw physical address names. */
function rawPhysTable(model: PlatformModel): string {
  const lines = ['| platform | what the device needs for this memory |', '| --- | --- |'];
  for (const { profile, result, sameAsPhys } of rawPhysOutcomes(model)) {
    lines.push(
      `| ${escapeMarkdown(profile.short)} | ${sameAsPhys ? 'the physical address itself' : `${escapeMarkdown(result.path)}: ${result.dma !== null ? markdownCode(formatAddress(result.dma)) : escapeMarkdown(result.error ?? '')}`} |`,
    );
  }
  return `A CPU physical address (example ${markdownCode(formatAddress(EXAMPLE_PHYS_VALUE))}); a DMA map of the same memory gives:\n\n${lines.join('\n')}`;
}

/** The probe map with the call's mask against a 64-bit mask, per platform. */
function maskTable(model: PlatformModel, bits: number): string {
  const lines = [`| platform | with DMA_BIT_MASK(${bits}) | with DMA_BIT_MASK(64) |`, '| --- | --- | --- |'];
  for (const { profile, withMask, withWideMask } of compareMasks(model, bits)) {
    lines.push(
      `| ${escapeMarkdown(profile.short)} | ${escapeMarkdown(outcomeWords(withMask))} | ${escapeMarkdown(outcomeWords(withWideMask))} |`,
    );
  }
  return `A 4 KiB DMA_TO_DEVICE map at phys ${markdownCode(formatAddress(HIGH_PHYS))} (example above 4 GiB) after this call:\n\n${lines.join('\n')}`;
}

/** Whether the ring uses the DMA API, per platform, with and without VIRTIO_F_ACCESS_PLATFORM. */
function virtioTable(outcomes: readonly VirtioOutcome[]): string {
  const lines = ['| platform | with ACCESS_PLATFORM | without |', '| --- | --- | --- |'];
  for (const { profile, withAccessPlatform, withoutAccessPlatform } of outcomes)
    lines.push(
      `| ${escapeMarkdown(profile.short)} | ${virtioCell(withAccessPlatform)} | ${virtioCell(withoutAccessPlatform)} |`,
    );
  return `Whether the ring uses the DMA API (vring_use_dma_api):\n\n${lines.join('\n')}`;
}

function virtioCell({ negotiation, add }: { negotiation?: OpResult; add?: OpResult }): string {
  if (!negotiation) return 'not simulated';
  if (negotiation.error) return `probe fails: ${markdownCode(negotiation.error)}`;
  const usesDmaApi = negotiation.path !== 'no-dma-api';
  const address =
    add?.dma != null
      ? ` desc.addr ${markdownCode(formatAddress(add.dma))}`
      : add?.error
        ? ` ${escapeMarkdown(add.error)}`
        : '';
  return `${usesDmaApi ? 'DMA API' : 'no DMA API (guest-physical)'}${address}`;
}
