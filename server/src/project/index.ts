// The project model of a kernel tree: which Makefile lines and Kconfig entries build a file, and so which
// platform profiles it can run on. Pure: it reads the tree only through a TreeReader.
export { ProjectModel } from './project-model';
export { type Targets, type ProfileRef } from './targets';
export { memoryReader, type TreeReader } from './tree-reader';
export { buildProfile, describedProfileIds, type BuildProfile } from './build-profiles';
export { type TreeProblem } from './project-model';
