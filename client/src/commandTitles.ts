// The extension's commands and their titles, as package.json contributes them. extension.ts registers a
// handler for every id here (the compiler holds it to that), and a test compares this list with the
// manifest. No vscode import, so the test runs it in plain node.
import { ShowPipelineCommand } from '@dmalens/protocol';

export const COMMANDS = [
  { id: 'dmalens.simulateAtCursor', title: 'Simulate Call at Cursor' },
  { id: ShowPipelineCommand, title: 'Show Address Pipeline' },
  { id: 'dmalens.selectPlatforms', title: 'Select Target Platforms' },
  { id: 'dmalens.simulateVirtioNegotiation', title: 'Simulate Virtio Feature Negotiation' },
  { id: 'dmalens.analyzeWorkspace', title: 'Analyze Workspace' },
  { id: 'dmalens.exportSarif', title: 'Export Findings as SARIF' },
  { id: 'dmalens.comparePlatforms', title: 'Compare Platforms for Buffer' },
] as const;

export type CommandId = (typeof COMMANDS)[number]['id'];
