// Identifiers that some check finds in the text itself rather than at a call site (a file can be worth a
// finding without holding any catalogue call). The batch prefilter lets files holding them through too;
// the test batch-workers.test.ts compares scans with a whole-file analysis of every fixture to catch a
// rule that reads a new identifier without it being listed here.
export const TEXT_RULE_IDENTIFIERS: readonly string[] = [
  // Rule virtio-iommu-platform-renamed (server/src/checks/virtio-iommu-platform-renamed.ts).
  'VIRTIO_F_IOMMU_PLATFORM',
];
