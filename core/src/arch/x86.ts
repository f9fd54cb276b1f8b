// x86 DMA hooks (§1.6, §1.7, §5.4): swiotlb activation and sizing, SME C-bit, force_dma_unencrypted for
// SEV/TDX guests and the cost of set_memory_decrypted.
import { registerArch, type DmaContext, type EngineSession } from '../engine/ops';
import { ParamError, dmaBitMask } from '../params/parse';
import { hex, minNotZero } from '../engine/bits';
import { ramEnd } from '../dma/ram';
import { nrSlots } from '../dma/swiotlb';

const GIB = 1n << 30n;
const MIB = 1n << 20n;

function encrypt(session: EngineSession): string {
  return session.params.mem_encrypt as string;
}

function isSev(session: EngineSession): boolean {
  return encrypt(session) === 'sev' || encrypt(session) === 'sev-snp';
}

function isGuest(session: EngineSession): boolean {
  return isSev(session) || encrypt(session) === 'tdx';
}

/** CONFIG_AMD_MEM_ENCRYPT: the kernel was built with AMD SME/SEV support (distro kernels are). */
function amdMemEncrypt(session: EngineSession): boolean {
  return session.params.amd_mem_encrypt as boolean;
}

/**
 * Whether 6.1's `sev_setup_arch` does its work. It is built only with CONFIG_AMD_MEM_ENCRYPT (an empty
 * stub otherwise), is called from setup_arch on every boot, and tests CC_ATTR_GUEST_MEM_ENCRYPT, which
 * `intel_cc_platform_has` reports for TDX as well: a TDX guest of a distro kernel gets the SEV treatment.
 */
function sevSetupArchRuns(session: EngineSession): boolean {
  return isGuest(session) && amdMemEncrypt(session);
}

/** Refuses SME/SEV on a kernel without CONFIG_AMD_MEM_ENCRYPT, then records what sev_setup_arch did at boot. */
function setupMemEncrypt(ctx: DmaContext): void {
  const { session, trace } = ctx;
  const kind = encrypt(session);
  if ((kind === 'sme' || isSev(session)) && !amdMemEncrypt(session)) {
    throw new ParamError(
      `bad value false for parameter 'amd_mem_encrypt': mem_encrypt=${kind} needs a kernel built with CONFIG_AMD_MEM_ENCRYPT`,
    );
  }
  if (!sevSetupArchRuns(session)) return;
  const why =
    kind === 'tdx'
      ? 'CONFIG_AMD_MEM_ENCRYPT=y and a TDX guest reports CC_ATTR_GUEST_MEM_ENCRYPT, so 6.1 applies the SEV setup to TDX too (amd_mem_encrypt=false models a kernel without it): '
      : 'SEV guest (CC_ATTR_GUEST_MEM_ENCRYPT): ';
  trace.stage(
    'sev_setup_arch',
    null,
    null,
    `${why}the swiotlb pool is sized clamp(6% of RAM, 64 MiB, 1 GiB) and virtio_require_restricted_mem_acc is installed, so virtio devices must offer VERSION_1 and ACCESS_PLATFORM.`,
    'arch/x86/mm/mem_encrypt_amd.c:sev_setup_arch',
    '§5.4',
  );
}

/** `sme_me_mask`: the C-bit on SME hosts and SEV guests; 0 on TDX (cc_mask lives only in page tables). */
function smeMask(session: EngineSession): bigint {
  return encrypt(session) === 'sme' || isSev(session) ? 1n << BigInt(session.params.sme_c_bit as number) : 0n;
}

function decryptCost(ctx: DmaContext, phys: bigint, pages: number, when: 'alloc' | 'free', decrypt: boolean): void {
  const { session, trace } = ctx;
  const kind = encrypt(session);
  const range = decrypt ? 'KVM_MAP_GPA_RANGE_DECRYPTED' : 'KVM_MAP_GPA_RANGE_ENCRYPTED';
  if (isSev(session)) {
    trace.note(`${when}: page-table C-bit ${decrypt ? 'clear' : 'set'} + cache flush + TLB flush for ${pages} page(s)`);
    if (session.params.kvm_migration_control as boolean) {
      trace.hypercall({
        name: 'KVM_HC_MAP_GPA_RANGE',
        count: pages,
        when,
        args: `gpa ${hex(phys)}.., npages 1 each, ${range}`,
      });
      trace.stage(
        'enc_dec_hypercall',
        phys,
        phys,
        `KVM_FEATURE_MIGRATION_CONTROL: one KVM_HC_MAP_GPA_RANGE per 4 KiB page tells the host the page is ${decrypt ? 'shared' : 'private'}.`,
        'arch/x86/mm/mem_encrypt_amd.c:enc_dec_hypercall',
        '§1.7',
      );
    }
    if (kind === 'sev-snp') {
      trace.hypercall({
        name: 'VMGEXIT (GHCB page state change)',
        count: 1,
        when,
        args: `${pages} page(s) to ${decrypt ? 'shared' : 'private'}`,
      });
      trace.stage(
        'snp_set_memory_shared',
        phys,
        phys,
        'SEV-SNP also changes the RMP page state through a GHCB page-state-change VMGEXIT.',
        'arch/x86/kernel/sev.c:snp_set_memory_shared',
        '§1.7',
      );
    }
  } else if (kind === 'tdx') {
    trace.hypercall({
      name: 'TDVMCALL_MAP_GPA',
      count: 1,
      when,
      args: `gpa ${hex(phys)}, size ${hex(BigInt(pages) * 4096n)}${decrypt ? ' | shared bit' : ''}`,
    });
    trace.stage(
      'tdx_enc_status_changed',
      phys,
      phys,
      'One TDVMCALL MAP_GPA converts the whole range.',
      'arch/x86/coco/tdx/tdx.c:tdx_enc_status_changed',
      '§1.7',
    );
    if (!decrypt) recordTdxAccept(ctx, phys, BigInt(pages) * 4096n);
  }
}

const ACCEPT_SIZES = [
  { size: GIB, name: '1G' },
  { size: 2n * MIB, name: '2M' },
  { size: 4096n, name: '4K' },
];

/**
 * `try_accept_one`: converting pages back to private also accepts them, one TDX_ACCEPT_PAGE module call per
 * block, the largest of 1 GiB, 2 MiB or 4 KiB that is aligned at the current address and fits what is left.
 */
function recordTdxAccept(ctx: DmaContext, phys: bigint, size: bigint): void {
  const counts = new Map<string, number>();
  for (let start = phys, end = phys + size; start < end;) {
    const block = ACCEPT_SIZES.find((candidate) => start % candidate.size === 0n && end - start >= candidate.size)!;
    counts.set(block.name, (counts.get(block.name) ?? 0) + 1);
    start += block.size;
  }
  const calls = [...counts.values()].reduce((sum, count) => sum + count, 0);
  ctx.trace.hypercall({
    name: 'TDX_ACCEPT_PAGE',
    count: calls,
    when: 'free',
    args: [...counts].map(([name, count]) => `${count} × ${name}`).join(', '),
  });
  ctx.trace.stage(
    'try_accept_one',
    phys,
    phys,
    `Shared to private: after MAP_GPA the pages are accepted again, ${calls} TDX_ACCEPT_PAGE module call(s) (${[...counts].map(([name, count]) => `${count} of ${name}`).join(', ')}), the largest aligned block first.`,
    'arch/x86/coco/tdx/tdx.c:try_accept_one',
    '§1.7',
  );
}

registerArch({
  name: 'x86',
  setup: setupMemEncrypt,
  smeMask,
  forceDmaUnencrypted(session) {
    if (isGuest(session)) return true;
    if (encrypt(session) !== 'sme') return false;
    const bit = session.params.sme_c_bit as number;
    return minNotZero(session.dev.coherentDmaMask, session.dev.busDmaLimit) <= dmaBitMask(bit);
  },
  swiotlbDefaultActive(session) {
    // pci_swiotlb_detect: RAM above 4 GiB, or any memory encryption.
    return ramEnd(session) > 4n * GIB || encrypt(session) !== 'none';
  },
  swiotlbForce(session) {
    return isGuest(session);
  },
  swiotlbSlots(session) {
    if (!sevSetupArchRuns(session)) return 32768;
    // sev_setup_arch (SEV, and TDX with CONFIG_AMD_MEM_ENCRYPT): clamp(total_mem * 6 / 100, 64 MiB, 1 GiB).
    let size = ((session.params.ram as bigint) * 6n) / 100n;
    if (size < 64n * MIB) size = 64n * MIB;
    if (size > GIB) size = GIB;
    // swiotlb_adjust_size: ALIGN(size, IO_TLB_SIZE) >> IO_TLB_SHIFT; the segment rounding follows in poolSlots.
    return nrSlots(size);
  },
  setMemoryDecrypted(ctx, phys, pages) {
    decryptCost(ctx, phys, pages, 'alloc', true);
  },
  setMemoryEncrypted(ctx, phys, pages) {
    decryptCost(ctx, phys, pages, 'free', false);
  },
});
