// The LSP lifecycle at the door: before `initialize` a request is refused with ServerNotInitialized, after
// `shutdown` with InvalidRequest, and a request whose method is not a string (42, null) gets an answer
// instead of silence. The JSON-RPC library dispatches whatever arrives; this strategy sees each message
// first and sends the ones to refuse to a handler that answers with the error.
import {
  ErrorCodes,
  ResponseError,
  type Connection,
  type Message,
  type MessageStrategy,
} from 'vscode-languageserver/node';

const NOT_INITIALIZED = '$/dmalens/refuse/notInitialized';
const SHUT_DOWN = '$/dmalens/refuse/shutDown';
const BAD_METHOD = '$/dmalens/refuse/badMethod';

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
      BAD_METHOD,
      () => new ResponseError(ErrorCodes.InvalidRequest, 'a request needs a method name (a string)'),
    );
  }
}
