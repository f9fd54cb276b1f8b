// Per-session powerpc IOMMU state: the device's TCE table (get_iommu_table_base), the default window's
// table and the dynamic DMA window if one was created. Kept in the session's state store so that
// sessions clone with their tables.
import type { EngineSession, SessionState } from '../engine/ops';
import type { IommuTable } from './tce-table';

export const PPC_IOMMU_STATE = 'powerpc.iommu';

/** What enable_ddw left behind (the kernel finds it again with find_existing_ddw). */
export interface DdwWindow {
  /** True when the window maps all RAM (DIRECT64_PROPNAME, bypass). */
  direct: boolean;
  winAddr: bigint;
  /** log2 of the window size. */
  len: number;
  /** The window's TCE table when it is used as an IOMMU table (not direct). */
  table: IommuTable | null;
}

export class PpcIommuState implements SessionState {
  /** `get_iommu_table_base(dev)`; null when the platform gave the device no table. */
  table: IommuTable | null = null;
  /** The default (32-bit) window's table, `table_group->tables[0]`. */
  defaultTable: IommuTable | null = null;
  ddw: DdwWindow | null = null;

  clone(): PpcIommuState {
    const copy = new PpcIommuState();
    const copies = new Map<IommuTable, IommuTable>();
    const cloneTable = (table: IommuTable | null): IommuTable | null => {
      if (!table) return null;
      let cloned = copies.get(table);
      if (!cloned) {
        cloned = table.clone();
        copies.set(table, cloned);
      }
      return cloned;
    };
    copy.defaultTable = cloneTable(this.defaultTable);
    copy.table = cloneTable(this.table);
    copy.ddw = this.ddw ? { ...this.ddw, table: cloneTable(this.ddw.table) } : null;
    return copy;
  }

  fingerprint(): string {
    const parts = [`default=${this.defaultTable?.describe() ?? '-'}`];
    if (this.ddw?.table) parts.push(`ddw=${this.ddw.table.describe()}`);
    return parts.join(' ');
  }
}

export function ppcIommuState(session: EngineSession): PpcIommuState {
  return session.state(PPC_IOMMU_STATE, () => new PpcIommuState());
}
