// Edits to a copy of the miniature kernel tree (test/fixtures/kernel-tree), shared by the tests that check a
// build-file change reaches the scan cache and the editor alike.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Rewrites drivers/net/ethernet/ibm/Kconfig of the tree at `tree` so that CONFIG_IBMVETH depends on
 * PPC_POWERNV instead of PPC_PSERIES (and its vendor menu admits powernv); returns the Kconfig file's path.
 */
export function moveIbmvethToPowernv(tree: string): string {
  const kconfig = join(tree, 'drivers/net/ethernet/ibm/Kconfig');
  writeFileSync(
    kconfig,
    readFileSync(kconfig, 'utf8')
      .replace('depends on PPC_PSERIES || PPC_DCR', 'depends on PPC_POWERNV || PPC_PSERIES || PPC_DCR')
      .replace(/(config IBMVETH[^]*?)depends on PPC_PSERIES/, '$1depends on PPC_POWERNV'),
  );
  return kconfig;
}
