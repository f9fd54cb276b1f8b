// The wire form of a call site for the client (protocol.ts SiteSummary): plain JSON, sizes as strings.
import type { CallSite } from '../analysis/callsite';
import type { SiteSummary } from '@dmalens/protocol';

export function siteSummary(uri: string, site: CallSite): SiteSummary {
  return {
    uri,
    api: site.api,
    kind: site.kind,
    range: site.range,
    nameRange: site.nameRange,
    direction: site.direction,
    size: site.size
      ? {
          text: site.size.text,
          value: site.size.value === null ? null : site.size.value.toString(),
          kind: site.size.kind,
        }
      : null,
    bufferOrigin: site.bufferOrigin,
    bufferText: site.bufferText,
    handle: site.handle,
    checked: site.checked,
    enclosingFunction: site.enclosingFunction,
    inLoop: site.inLoop,
  };
}
