// Kernel trees on disk: where a file's tree starts, and the tree's project model read through the file
// system, so that every feature asks "which platforms can this file run on" in one place.
export { KernelTrees, type FileTargets } from './kernel-trees';
export { buildFileStamp } from './fs-reader';
