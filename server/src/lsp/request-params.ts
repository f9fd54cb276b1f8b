// The shape of the parameters of the standard requests the server answers, checked before dispatch. The LSP
// library reads `params.workDoneToken` before any handler runs, so a request with null or string params
// was answered with a TypeError's text as an internal error (-32603); now it is refused as InvalidParams
// with what is missing.

type Check = (params: unknown) => string | null;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function documentProblem(params: unknown): string | null {
  if (!isObject(params)) return 'params must be an object';
  const document = params['textDocument'];
  if (!isObject(document) || typeof document['uri'] !== 'string') return 'params.textDocument.uri must be a string';
  return null;
}

function positionProblem(value: unknown, name: string): string | null {
  if (!isObject(value) || typeof value['line'] !== 'number' || typeof value['character'] !== 'number')
    return `${name} must be {line: number, character: number}`;
  return null;
}

function rangeProblem(value: unknown, name: string): string | null {
  if (!isObject(value)) return `${name} must be {start, end}`;
  return positionProblem(value['start'], `${name}.start`) ?? positionProblem(value['end'], `${name}.end`);
}

const CHECKS: Record<string, Check> = {
  'textDocument/hover': (params) =>
    documentProblem(params) ?? positionProblem((params as Record<string, unknown>)['position'], 'params.position'),
  'textDocument/codeAction': (params) =>
    documentProblem(params) ?? rangeProblem((params as Record<string, unknown>)['range'], 'params.range'),
  'textDocument/inlayHint': (params) =>
    documentProblem(params) ?? rangeProblem((params as Record<string, unknown>)['range'], 'params.range'),
  'textDocument/codeLens': documentProblem,
  'textDocument/documentSymbol': documentProblem,
  'workspace/symbol': (params) =>
    isObject(params) && typeof params['query'] === 'string' ? null : 'params.query must be a string',
};

/** What is wrong with the parameters of a standard request, or null (also for methods not listed here). */
export function requestParamsProblem(method: string, params: unknown): string | null {
  return Object.hasOwn(CHECKS, method) ? CHECKS[method]!(params) : null;
}
