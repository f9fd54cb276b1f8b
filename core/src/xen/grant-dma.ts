// xen_grant_dma_ops (drivers/xen/grant-dma-ops.c, §5.6): the device sees grant references, not
// addresses: dma = (1 << 63) | (grant << 12) + offset. Grant entries are shared-memory writes.
import type { Direction } from '../types';
import {
  registerDmaOps,
  type DmaContext,
  type EngineSession,
  type MapOutcome,
  type MappingRecord,
  type SessionState,
} from '../engine/ops';
import { U64_MAX, alignUp, hex } from '../engine/bits';
import { allocatePages, pageAllocator } from '../dma/pages';
import { ramEnd, ramHoles } from '../dma/ram';

const SOURCE = 'drivers/xen/grant-dma-ops.c';
const XEN_GRANT_DMA_ADDR_OFF = 1n << 63n;

/** Grant references in use, as sorted runs; the allocator hands out the lowest free run. */
class GrantTable implements SessionState {
  constructor(readonly runs: { first: number; count: number }[] = []) {}

  clone(): GrantTable {
    return new GrantTable(this.runs.map((run) => ({ ...run })));
  }

  fingerprint(): string {
    return this.runs.map((run) => `${run.first}+${run.count}`).join(',');
  }

  /** `gnttab_alloc_grant_reference_seq`. */
  allocSeq(count: number, firstFree: number): number {
    let candidate = firstFree;
    for (const run of this.runs) {
      if (candidate + count <= run.first) break;
      candidate = Math.max(candidate, run.first + run.count);
    }
    this.runs.push({ first: candidate, count });
    this.runs.sort((a, b) => a.first - b.first);
    return candidate;
  }

  free(first: number): void {
    const index = this.runs.findIndex((run) => run.first === first);
    if (index >= 0) this.runs.splice(index, 1);
  }
}

function grants(session: EngineSession): GrantTable {
  return session.state('grants', () => new GrantTable());
}

function grantToDma(grant: number): bigint {
  return XEN_GRANT_DMA_ADDR_OFF | (BigInt(grant) << 12n);
}

function grantPages(ctx: DmaContext, phys: bigint, count: number, readonly: boolean, when: 'map' | 'alloc'): number {
  const { session, trace } = ctx;
  const grant = grants(session).allocSeq(count, session.params.grant_first_ref as number);
  const domid = session.params.backend_domid as number;
  trace.stage(
    'gnttab_alloc_grant_reference_seq',
    null,
    null,
    `${count} consecutive grant reference(s) from ${hex(BigInt(grant))}.`,
    'drivers/xen/grant-table.c:gnttab_alloc_grant_reference_seq',
    '§5.6',
  );
  trace.stage(
    'gnttab_grant_foreign_access_ref',
    phys,
    null,
    `Grants domain ${domid} ${readonly ? 'read-only' : 'read-write'} access to ${count} page(s): grant-table v1 entries are shared-memory writes, no hypercall in the frontend.`,
    'drivers/xen/grant-table.c:gnttab_grant_foreign_access_ref',
    '§5.6',
  );
  trace.note(`${when}: ${count} grant entr${count === 1 ? 'y' : 'ies'} written${readonly ? ' (readonly)' : ''}`);
  return grant;
}

interface GrantData {
  grant: number;
  count: number;
}

function mapPage(ctx: DmaContext, phys: bigint, size: bigint, dir: Direction): MapOutcome {
  const offset = phys & 0xfffn;
  const count = Number(alignUp(offset + size, 0x1000n) / 0x1000n);
  const grant = grantPages(ctx, phys - offset, count, dir === 'to_device', 'map');
  const dma = grantToDma(grant) + offset;
  ctx.trace.stage(
    'grant_to_dma',
    BigInt(grant),
    dma,
    `dma = (1 << 63) | (grant << 12) + page offset ${hex(offset)}.`,
    `${SOURCE}:xen_grant_dma_map_page`,
    '§5.6',
  );
  return { dma, opsData: { grant, count } satisfies GrantData, path: 'xen-grant' };
}

function endAccess(ctx: DmaContext, data: GrantData, when: 'unmap' | 'free'): void {
  ctx.trace.stage(
    'gnttab_end_foreign_access_ref',
    grantToDma(data.grant),
    null,
    `Ends the backend's access to ${data.count} grant(s) (a grant still in use would log "Grant still in use by backend domain, disabled for further use" and break the device).`,
    'drivers/xen/grant-table.c:gnttab_end_foreign_access_ref',
    '§5.6',
  );
  ctx.trace.note(`${when}: ${data.count} gnttab_end_foreign_access_ref`);
  grants(ctx.session).free(data.grant);
}

/** Direction and attributes change nothing: the grant entries just end. */
function unmapPage(ctx: DmaContext, record: MappingRecord): void {
  endAccess(ctx, record.opsData as GrantData, 'unmap');
}

registerDmaOps({
  name: 'xen_grant_dma_ops',
  path: 'xen-grant',
  source: SOURCE,
  mapPage,
  unmapPage,
  dmaSupported(_ctx, mask) {
    return mask === U64_MAX;
  },
  alloc(ctx, size) {
    const { session, trace } = ctx;
    const aligned = alignUp(size, 0x1000n);
    const pageSize = session.params.page_size as bigint;
    const phys = allocatePages(
      ctx,
      alignUp(aligned, pageSize),
      pageSize,
      0x100000n,
      ramEnd(session) - 1n,
      ramHoles(session),
    );
    if (phys === null) {
      trace.fail('xen_grant_dma_alloc: out of memory');
      return { dma: null, phys: null, size: aligned, path: 'xen-grant' };
    }
    const count = Number(aligned / 0x1000n);
    const grant = grantPages(ctx, phys, count, false, 'alloc');
    return {
      dma: grantToDma(grant),
      phys,
      size: aligned,
      path: 'xen-grant',
      opsData: { grant, count } satisfies GrantData,
    };
  },
  free(ctx, record) {
    endAccess(ctx, record.opsData as GrantData, 'free');
    if (record.pages) pageAllocator(ctx.session).free(record.pages.phys);
  },
  rule(ctx) {
    return `dma = 0x8000_0000_0000_0000 | (grant << 12) + (phys & 0xfff), grants from ${hex(BigInt(ctx.session.params.grant_first_ref as number))} for domain ${ctx.session.params.backend_domid as number}`;
  },
});
