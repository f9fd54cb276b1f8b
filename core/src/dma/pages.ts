// A deterministic stand-in for the page allocator behind dma_alloc_coherent (§1.7). The kernel's buddy
// allocator is not predictable from outside, so the simulator picks the highest free block of the
// buddy order's alignment below the zone limit; tests only rely on the zone and alignment rules.
import type { DmaContext, EngineSession, SessionState } from '../engine/ops';
import { alignDown, roundupPowOfTwo } from '../engine/bits';

interface Block {
  phys: bigint;
  size: bigint;
}

export class PageAllocator implements SessionState {
  constructor(readonly blocks: Block[] = []) {}

  clone(): PageAllocator {
    return new PageAllocator(this.blocks.map((block) => ({ ...block })));
  }

  fingerprint(): string {
    return this.blocks.map((block) => `${block.phys.toString(16)}+${block.size.toString(16)}`).join(',');
  }

  /**
   * Highest free block of `size` bytes aligned to the buddy order (size rounded up to a power of two
   * pages), within [low, limit]; null when none fits. `reserved` ranges (the swiotlb pool) are skipped.
   */
  allocate(size: bigint, pageSize: bigint, low: bigint, limit: bigint, reserved: Block[]): bigint | null {
    const align = roundupPowOfTwo(size / pageSize) * pageSize;
    const taken = [...this.blocks, ...reserved].sort((a, b) => (a.phys < b.phys ? 1 : -1));
    if (limit + 1n < size) return null;
    let candidate = alignDown(limit + 1n - size, align);
    while (candidate >= low) {
      const clash = taken.find((block) => candidate < block.phys + block.size && block.phys < candidate + size);
      if (!clash) {
        this.blocks.push({ phys: candidate, size });
        this.blocks.sort((a, b) => (a.phys < b.phys ? -1 : 1));
        return candidate;
      }
      if (clash.phys < size) return null;
      candidate = alignDown(clash.phys - size, align);
    }
    return null;
  }

  /** Records a block the caller chose (a real kernel's allocation). */
  take(phys: bigint, size: bigint): void {
    this.blocks.push({ phys, size });
    this.blocks.sort((a, b) => (a.phys < b.phys ? -1 : 1));
  }

  free(phys: bigint): boolean {
    const index = this.blocks.findIndex((block) => block.phys === phys);
    if (index < 0) return false;
    this.blocks.splice(index, 1);
    return true;
  }
}

/**
 * The pages of one allocation: those the request names (ctx.knownPages, from a real kernel's trace) or the
 * stand-in allocator's choice.
 */
export function allocatePages(
  ctx: DmaContext,
  size: bigint,
  pageSize: bigint,
  low: bigint,
  limit: bigint,
  reserved: Block[],
): bigint | null {
  const known = ctx.knownPages?.[0];
  if (known === undefined) return pageAllocator(ctx.session).allocate(size, pageSize, low, limit, reserved);
  pageAllocator(ctx.session).take(known, size);
  return known;
}

/** The lowest page the stand-in allocator hands out: the first MiB of RAM stays with firmware and the kernel image. */
export function lowestAllocatablePage(session: EngineSession): bigint {
  return (session.params.ram_base as bigint) + 0x100000n;
}

export function pageAllocator(session: EngineSession): PageAllocator {
  return session.state('pages', () => new PageAllocator());
}
