// Simulate Virtio Feature Negotiation: the features a device offers, one platform, and what the
// kernel makes of it — accepted features, whether the ring goes through the DMA API
// (vring_use_dma_api, spec §6.2), and the probe failure of a confidential guest (§6.5).
import * as vscode from 'vscode';
import type { NegotiateVirtioResult } from '@dmalens/protocol';
import { PANEL_VIRTIO_FEATURES } from '../pipeline/state';
import { pickPlatforms } from '../platformPicker';
import { escapeMarkdown, type ReportProvider } from '../reports';
import type { ServerApi } from '../serverApi';
import { UserFacingError } from './userCommand';

const FEATURE_HELP: Record<string, string> = {
  VERSION_1: 'bit 32: modern (virtio 1.0) device',
  ACCESS_PLATFORM: 'bit 33: the device uses the platform DMA API (IOMMU, bounce buffers)',
  RING_PACKED: 'bit 34: packed virtqueue layout',
  INDIRECT_DESC: 'bit 28: indirect descriptor tables',
  ORDER_PLATFORM: 'bit 36: memory ordering as the platform requires',
  EVENT_IDX: 'bit 29: used/avail event index suppression',
  IN_ORDER: 'bit 35: buffers used in the order they were made available',
  NOTIFICATION_DATA: 'bit 38: extra data in driver notifications',
};

export async function virtioNegotiationCommand(server: ServerApi, reports: ReportProvider): Promise<void> {
  const items = PANEL_VIRTIO_FEATURES.map((name) => ({
    label: name,
    description: FEATURE_HELP[name],
    picked: name === 'VERSION_1',
  }));
  const offered = await vscode.window.showQuickPick(items, {
    title: 'Features the device offers (VIRTIO_F_…)',
    canPickMany: true,
  });
  if (!offered) return;
  const { selected } = await server.platforms();
  const platforms = await pickPlatforms(server, {
    title: 'Negotiate on which platform?',
    preselected: selected.slice(0, 1),
    canPickMany: false,
  });
  if (!platforms?.[0]) return;
  const result = await server.negotiateVirtio({ platform: platforms[0], offered: offered.map((item) => item.label) });
  if (result.error) throw new UserFacingError(result.error);
  await reports.show(
    `virtio-negotiation-${result.platform}.md`,
    negotiationReport(
      offered.map((item) => item.label),
      result,
    ),
  );
}

export function negotiationReport(offered: string[], result: NegotiateVirtioResult): string {
  const lines = [
    `# Virtio feature negotiation on ${escapeMarkdown(result.platform)}`,
    '',
    `- Offered: ${offered.map((name) => `\`VIRTIO_F_${name}\``).join(', ') || 'none'}`,
    `- Accepted: ${result.accepted.map((name) => `\`VIRTIO_F_${name}\``).join(', ') || 'none'}`,
    `- Ring uses the DMA API (vring_use_dma_api): **${result.usesDmaApi ? 'yes' : 'no — the device gets guest physical addresses'}**`,
    `- Probe: ${result.probeError ? `**fails** — the kernel logs:\n\n    ${result.probeError}` : 'succeeds'}`,
    '',
  ];
  if (result.markdown) lines.push(result.markdown);
  return lines.join('\n');
}
