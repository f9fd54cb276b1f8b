// Device trees: .dts/.dtsi/.dtso resolved as the kernel build resolves them (cpp with the kernel's include
// paths, dtc's tree building, overlays), and each device node's DMA configuration as Linux 6.1 computes it
// at of_dma_configure time.
export {
  resolveBoard,
  problemLines,
  isListedDevice,
  kernelIncludePrefixes,
  type Board,
  type BoardRequest,
} from './board';
export { BoardOpener } from './open';
export { isBoardArch, archFromPath } from './arch';
export { configureDma, pciHostBridge, type BoardArch, type DmaConfig, type DmaWindow } from './dma-config';
export { boardJson, nodeJson, type BoardJson, type DmaNodeJson } from './json';
export { describeBoard, describeConfig, compatibleText, sizeText, windowText, offsetText } from './describe';
export { compareTrees, type TreeDifference } from './compare-trees';
export { DtNode, isEnabled, type DtProperty } from './tree';
export type { DtProblem } from './problems';
export type { Origin } from './origin-map';
export { boardNodeProfile, boardDeviceFacts, boardPlatformId, boardName } from './profile';
