// The link a hover carries to open the address pipeline in the client: a command URI with its arguments.
import { ShowPipelineCommand, type ShowPipelineArgs } from '@dmalens/protocol';

export function pipelineCommandUri(args: ShowPipelineArgs): string {
  // encodeURIComponent leaves ( ) ! ' * as they are, and a `)` ends a markdown link: a document whose
  // URI holds one (`drivers/foo (copy).c`) broke the link.
  const query = encodeURIComponent(JSON.stringify([args])).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `command:${ShowPipelineCommand}?${query}`;
}
