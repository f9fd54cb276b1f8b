// Device trees in the editor: board documents, their findings and hovers. The LSP layer wires these in;
// nothing here knows of the protocol.
export { BoardDocuments, boardWords, isDeviceTreePath, type DocumentBoard } from './board-documents';
export { canonicalPath, DtsIncludeIndex } from './dts-include-index';
export { boardFindings, type BoardFinding, type BoardFindingCode } from './board-findings';
export { boardHover, type BoardHover } from './board-hover';
export { boardRowId, editorBoardProfile, treePath } from './board-platform';
export { nodeExamples, outcomeText, ramOutside, type ExampleMap, type NodeExamples } from './board-examples';
export { DriverBoards, findDriverBoards, type BoardRow } from './driver-boards';
export { ofCompatibles, type OfCompatible } from './of-device-ids';
export { ConfiguredBoards, type ConfiguredBoard } from './configured-boards';
export { dmaNodeAt, type DmaNodeAt } from './node-at';
