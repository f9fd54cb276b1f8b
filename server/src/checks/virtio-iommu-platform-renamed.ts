// VIRTIO_F_IOMMU_PLATFORM is the old name of feature bit 33, renamed VIRTIO_F_ACCESS_PLATFORM with the
// virtio 1.1 spec and in Linux v5.9 (spec §6.1); the uapi header keeps the old name only as a
// compatibility alias. Compatibility checks (`#ifdef`, `defined(...)`) and the alias's own definition
// are left alone.
import { findIdentifier } from './code-identifiers';
import type { CheckContext, Rule, RuleFinding } from './rule';

const OLD_NAME = 'VIRTIO_F_IOMMU_PLATFORM';
const NEW_NAME = 'VIRTIO_F_ACCESS_PLATFORM';

export const virtioIommuPlatformRenamed: Rule = {
  id: 'virtio-iommu-platform-renamed',
  title: 'VIRTIO_F_IOMMU_PLATFORM renamed VIRTIO_F_ACCESS_PLATFORM',
  defaultSeverity: 'warning',
  platformDependent: false,
  check({ text, lines }: CheckContext): RuleFinding[] {
    const hits = findIdentifier(text, OLD_NAME).filter(
      (hit) => !/#\s*(ifdef|ifndef|undef|define)\s*$/.test(hit.linePrefix) && !/defined\s*\(?\s*$/.test(hit.linePrefix),
    );
    if (!hits.length) return [];
    return hits.map((hit) => {
      const range = lines.rangeOf(hit.offset, hit.offset + OLD_NAME.length);
      return {
        range,
        message: `${OLD_NAME} (feature bit 33) was renamed ${NEW_NAME} in the virtio 1.1 spec and in Linux v5.9; the old name survives only as a uapi alias.`,
        fix: { title: `Rename to ${NEW_NAME}`, edits: [{ range, newText: NEW_NAME }] },
      };
    });
  },
};
