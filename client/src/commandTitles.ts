// The extension's commands and their titles, as package.json contributes them. extension.ts registers a
// handler for every id here (the compiler holds it to that), and a test compares this list with the
// manifest. No vscode import, so the test runs it in plain node.
import { DisableRuleCommand, ShowPipelineCommand, ShowRuleDocsCommand } from '@dmalens/protocol';

export const COMMANDS = [
  { id: 'dmalens.simulateAtCursor', title: 'Simulate Call at Cursor' },
  { id: ShowPipelineCommand, title: 'Show Address Pipeline' },
  { id: 'dmalens.selectPlatforms', title: 'Select Target Platforms' },
  { id: 'dmalens.simulateVirtioNegotiation', title: 'Simulate Virtio Feature Negotiation' },
  { id: 'dmalens.analyzeWorkspace', title: 'Analyze Workspace' },
  { id: 'dmalens.exportSarif', title: 'Export Findings as SARIF' },
  { id: 'dmalens.groupFindings', title: 'Group Findings By…' },
  { id: 'dmalens.filterFindings', title: 'Filter Findings…' },
  { id: 'dmalens.comparePlatforms', title: 'Compare Platforms for Buffer' },
  { id: 'dmalens.restartServer', title: 'Restart Language Server' },
  { id: 'dmalens.showOutput', title: 'Show Output' },
  // Run from a finding's code actions with an argument; hidden from the command palette.
  { id: DisableRuleCommand, title: 'Turn Off Rule in Settings' },
  { id: ShowRuleDocsCommand, title: 'Show Rule Documentation' },
] as const;

export type CommandId = (typeof COMMANDS)[number]['id'];
