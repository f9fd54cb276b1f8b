// Simulate Call at Cursor: like Show Address Pipeline, but the user picks the platforms first.
import type { DmaLens } from '../lens';
import { MAX_PANEL_PLATFORMS } from '../pipeline/state';
import { pickPlatforms } from '../platformPicker';
import { cursorTarget, openPipeline } from './showPipeline';
import { UserFacingError } from './userCommand';

export async function simulateAtCursorCommand(lens: DmaLens): Promise<void> {
  const { server } = lens;
  const target = cursorTarget();
  if (!target) throw new UserFacingError('open a C file and place the cursor on a DMA-API or virtio call.');
  const found = await server.callSiteAt(target);
  if (!found.site) throw new UserFacingError('there is no DMA-API or virtio call at the cursor.');
  const platforms = await pickPlatforms(server, {
    title: `Simulate ${found.site.api} on… (up to ${MAX_PANEL_PLATFORMS})`,
    preselected: found.platforms,
    canPickMany: true,
  });
  if (!platforms) return;
  if (platforms.length === 0) throw new UserFacingError('choose at least one platform.');
  await openPipeline(lens, target, platforms);
}
