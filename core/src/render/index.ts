// The only renderers the server, the CLI and the webview use: nothing renders a trace twice.
export {
  formatAddress,
  formatSize,
  costSummary,
  costBadges,
  mergeCosts,
  outcomeText,
  changedBits,
  plural,
} from './format';
export { escapeXml, escapeMarkdown, markdownCode } from './escape';
export type { PlatformLabel, PlatformResult } from './labels';
export { renderTextPipeline, renderTextComparison, wrap, type TextOptions } from './text';
export { renderMarkdown, differsFromFirst, type MarkdownOptions } from './markdown';
export { renderHoverTable } from './hover-table';
export {
  renderPipelineSvg,
  changedNibbles,
  describeBits,
  PIPELINE_SVG_CSS,
  CSS_VARIABLES,
  MAX_SVG_COLUMNS,
  kernelSourceUrl,
  type SvgOptions,
} from './svg';
