// Hover on a recognised call: the core's per-platform table for the call's worked example (real size
// and direction when the source fixes them), what is example and what is fact, for virtio add calls
// whether the DMA API is used with and without VIRTIO_F_ACCESS_PLATFORM, and a link that opens the
// address pipeline for this call in the client. Positions outside any recognised call answer null.
import {
  catalogueEntry,
  DIRECTION_KERNEL_NAME,
  escapeMarkdown,
  formatAddress,
  markdownCode,
  renderMarkdown,
  type OpResult,
  type Request,
} from '@dmalens/core';
import { MarkupKind, type Connection, type Hover } from 'vscode-languageserver/node';
import type { CallSite } from '../analysis/callsite';
import { shippedSpecLinks, specSectionUri } from '../docs/bundled-docs';
import {
  compareMasks,
  EXAMPLE_PHYS_VALUE,
  EXAMPLE_SIZE_VALUE,
  HIGH_PHYS,
  maskBits,
  outcomeWords,
  platformsLine,
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
  if (rows) {
    const table = renderMarkdown(
      rows.rows.flatMap((row) =>
        row.result ? [{ platform: { id: row.platform, title: row.title, short: row.short }, result: row.result }] : [],
      ),
      { title: site.api, example: exampleWords(rows.simulation), specLink: specLinker() },
    );
    // What differs leads, under the heading: the one line a reader needs when the table is taller than the hover.
    const heading = table.indexOf('\n\n');
    parts.push(heading < 0 ? table : `${table.slice(0, heading)}\n\n${differsLine(rows)}${table.slice(heading)}`);
    const failed = rows.rows.filter((row) => !row.result);
    if (failed.length)
      parts.push(
        failed
          .map(
            (row) =>
              `${escapeMarkdown(row.title)}: ${escapeMarkdown(row.notReached ?? `not simulated (${row.error ?? 'no result'})`)}`,
          )
          .join('  \n'),
      );
    const moved = movedExamples(rows.simulation, model);
    if (moved) parts.push(moved);
    parts.push(factsLine(site, rows.simulation, context));
  } else {
    parts.push(
      `**${escapeMarkdown(site.api)}** — ${escapeMarkdown(entry?.kind ?? site.kind)}${entry ? ` (${markdownCode(entry.header)})` : ''}`,
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
  parts.push(escapeMarkdown(platformsLine(context.platforms)));
  if (context.boards.length)
    parts.push(`Boards: ${context.boards.map((board) => escapeMarkdown(board.why)).join('  \n')}`);
  if (rows)
    parts.push(
      `[Open the address pipeline for this call](${pipelineCommandUri({ uri, position: site.nameRange.start, platforms: model.selected.map((profile) => profile.id) })})`,
    );
  return parts.join('\n\n');
}

/**
 * `Differs from x86: VT-d → IOMMU 0xffff_f000 · SEV → bounce 4096 B`: the rows the table marks ≠ (another path,
 * device address or cost than the first), each with its outcome and, when it differs, its address.
 */
function differsLine(rows: SiteRows): string {
  const [reference, ...others] = rows.rows;
  if (!reference) return '';
  const differing = others.flatMap((row) => {
    const address = row.result?.dma ?? null;
    const otherAddress = address !== null && address !== (reference.result?.dma ?? null);
    const otherPath = row.result?.path !== reference.result?.path;
    if (!otherAddress && !otherPath && rowWord(row) === rowWord(reference)) return [];
    return [`${row.short} → ${rowWord(row)}${otherAddress ? ` ${formatAddress(address)}` : ''}`];
  });
  return escapeMarkdown(
    differing.length
      ? `Differs from ${reference.short}: ${differing.join(' · ')}`
      : `Every platform here does as ${reference.short} does.`,
  );
}

/** Where the example buffer lies on platforms whose RAM does not hold the usual example address. */
function movedExamples(simulation: SiteSimulation, model: PlatformModel): string | null {
  if (!simulation.exampleFields.includes('phys')) return null;
  const moved = model.selected.flatMap((profile) => {
    const phys = model.ramExample(profile.id, EXAMPLE_PHYS_VALUE);
    return phys === EXAMPLE_PHYS_VALUE ? [] : [`${profile.title}: phys ${formatAddress(phys)}`];
  });
  return moved.length
    ? escapeMarkdown(
        `The example buffer lies in each platform's RAM; where that starts elsewhere: ${moved.join('; ')}.`,
      )
    : null;
}

/** Spec references (`§2.2`) link to the spec shipped with the server; plain text when it is missing. */
function specLinker(): ((section: string) => string) | undefined {
  const spec = shippedSpecLinks();
  return spec ? (section) => specSectionUri(spec, section) : undefined;
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

/** States which inputs came from the source and which are examples, so no number passes for a fact. */
function factsLine(site: CallSite, simulation: SiteSimulation, context: DriverContext): string {
  const facts: string[] = [];
  facts.push(`device mask ${context.maskWords}`);
  if (site.size) facts.push(sizeFact(site.size, simulation));
  if (site.direction !== 'unknown') facts.push(`direction ${DIRECTION_KERNEL_NAME[site.direction]}`);
  else if (simulation.exampleFields.includes('dir'))
    facts.push('direction not constant: the example uses DMA_BIDIRECTIONAL');
  if (site.bufferText) facts.push(`buffer ${markdownCode(site.bufferText)} (${site.bufferOrigin})`);
  if (simulation.exampleFields.includes('phys'))
    facts.push('the physical address is an example: the source cannot tell it');
  if (simulation.approximation) facts.push(simulation.approximation);
  facts.push(`device: ${context.device.why}`);
  return `From the source: ${facts.join('; ')}.`;
}

/** The size argument: a constant, a value through the tree's headers, or unknown with a labelled stand-in. */
function sizeFact(size: NonNullable<CallSite['size']>, simulation: SiteSimulation): string {
  const text = markdownCode(size.text);
  if (simulation.exampleFields.includes('size'))
    return `size ${text} unknown (${escapeMarkdown(simulation.sizeWords ?? 'not a constant')}): ${EXAMPLE_SIZE_VALUE} B stand-in`;
  if (size.value !== null) return `size ${text} = ${size.value} bytes`;
  return `size ${text} = ${escapeMarkdown(simulation.sizeWords ?? '')}`;
}

/** What the DMA API would give the device for the memory a raw physical address names. */
function rawPhysTable(model: PlatformModel): string {
  const lines = ['| platform | what the device needs for this memory |', '| --- | --- |'];
  for (const { profile, result, sameAsPhys } of rawPhysOutcomes(model)) {
    lines.push(
      `| ${escapeMarkdown(profile.title)} | ${sameAsPhys ? 'the physical address itself' : `${escapeMarkdown(result.path)}: ${result.dma !== null ? markdownCode(formatAddress(result.dma)) : escapeMarkdown(result.error ?? '')}`} |`,
    );
  }
  return `A CPU physical address (example ${markdownCode(formatAddress(EXAMPLE_PHYS_VALUE))}); a DMA map of the same memory gives:\n\n${lines.join('\n')}`;
}

/** The probe map with the call's mask against a 64-bit mask, per platform. */
function maskTable(model: PlatformModel, bits: number): string {
  const lines = [`| platform | with DMA_BIT_MASK(${bits}) | with DMA_BIT_MASK(64) |`, '| --- | --- | --- |'];
  for (const { profile, withMask, withWideMask } of compareMasks(model, bits)) {
    lines.push(
      `| ${escapeMarkdown(profile.title)} | ${escapeMarkdown(outcomeWords(withMask))} | ${escapeMarkdown(outcomeWords(withWideMask))} |`,
    );
  }
  return `A 4 KiB DMA_TO_DEVICE map at phys ${markdownCode(formatAddress(HIGH_PHYS))} (example above 4 GiB) after this call:\n\n${lines.join('\n')}`;
}

/** Whether the ring uses the DMA API, per platform, with and without VIRTIO_F_ACCESS_PLATFORM. */
function virtioTable(outcomes: readonly VirtioOutcome[]): string {
  const lines = ['| platform | with ACCESS_PLATFORM | without |', '| --- | --- | --- |'];
  for (const { profile, withAccessPlatform, withoutAccessPlatform } of outcomes)
    lines.push(
      `| ${escapeMarkdown(profile.title)} | ${virtioCell(withAccessPlatform)} | ${virtioCell(withoutAccessPlatform)} |`,
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
