// What a renderer needs to know about the platform a result belongs to.
import type { OpResult } from '../types';

export interface PlatformLabel {
  id: string;
  title: string;
  /** Short label for narrow places (table headers, badges). */
  short?: string;
}

/** One platform's outcome of one request, as the renderers draw it. */
export interface PlatformResult {
  platform: PlatformLabel;
  result: OpResult;
  /** Results that belong with it in cost summaries (its unmap, say). */
  related?: OpResult[];
}
