// The LSP lifecycle at the door: before `initialize` a request is refused with ServerNotInitialized, after
// `shutdown` with InvalidRequest, a request whose method is not a string (42, null) gets an answer instead
// of silence, one whose parameters have the wrong shape is refused with InvalidParams, and a request
// cancelled while still queued is answered RequestCancelled. The JSON-RPC library dispatches whatever arrives; this strategy sees each message
// first and sends the ones to refuse to a handler that answers with the error.
import {
  ErrorCodes,
  LSPErrorCodes,
  ResponseError,
  type Connection,
  type Message,
  type MessageStrategy,
  type ResponseMessage,
} from 'vscode-languageserver/node';
import { requestParamsProblem } from './request-params';

const NOT_INITIALIZED = '$/dmalens/refuse/notInitialized';
const SHUT_DOWN = '$/dmalens/refuse/shutDown';
const BAD_METHOD = '$/dmalens/refuse/badMethod';
const BAD_PARAMS = '$/dmalens/refuse/badParams';

export class Lifecycle implements MessageStrategy {
  private phase: 'starting' | 'running' | 'shutDown' = 'starting';

  handleMessage(message: Message, next: (message: Message) => void): void {
    const call = message as { id?: unknown; method?: unknown; result?: unknown; error?: unknown };
    const isRequest =
      (typeof call.id === 'number' || typeof call.id === 'string') && !('result' in call) && !('error' in call);
    if (!isRequest) return next(message);
    const refuse = (method: string) => next({ ...message, method } as Message);
    if (typeof call.method !== 'string') return refuse(BAD_METHOD);
    if (this.phase === 'starting' && call.method !== 'initialize') return refuse(NOT_INITIALIZED);
    if (this.phase === 'shutDown') return refuse(SHUT_DOWN);
    const problem = requestParamsProblem(call.method, (message as { params?: unknown }).params);
    if (problem)
      return next({ ...message, method: BAD_PARAMS, params: { problem: `${call.method}: ${problem}` } } as Message);
    if (call.method === 'initialize') this.phase = 'running';
    if (call.method === 'shutdown') this.phase = 'shutDown';
    next(message);
  }

  /** The handlers that answer the refused requests. */
  register(connection: Connection): void {
    connection.onRequest(
      NOT_INITIALIZED,
      () => new ResponseError(ErrorCodes.ServerNotInitialized, 'the server is not initialized: send initialize first'),
    );
    connection.onRequest(
      SHUT_DOWN,
      () => new ResponseError(ErrorCodes.InvalidRequest, 'the server is shut down: only exit is accepted'),
    );
    connection.onRequest(
      BAD_PARAMS,
      (params: { problem: string }) => new ResponseError(ErrorCodes.InvalidParams, params.problem),
    );
    connection.onRequest(
      BAD_METHOD,
      () => new ResponseError(ErrorCodes.InvalidRequest, 'a request needs a method name (a string)'),
    );
  }
}

/**
 * A request the client cancels before it is dispatched is answered RequestCancelled at once instead of being
 * computed for nobody (the library's default runs it anyway). Handlers run to completion within one turn of
 * the event loop, each bounded (test/scaling/), so a cancellation that arrives later finds nothing running.
 */
export function cancelUndispatched(message: Message): ResponseMessage | undefined {
  const id = (message as { id?: unknown }).id;
  if (typeof id !== 'number' && typeof id !== 'string') return undefined;
  return {
    jsonrpc: '2.0',
    id,
    error: { code: LSPErrorCodes.RequestCancelled, message: 'the request was cancelled before it started' },
  };
}
