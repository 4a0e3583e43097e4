import type { Context } from 'koa';

// What a client that goes away mid-request leaves behind: its connection reset or
// aborted, a write to a socket it closed, or a request cut off before its end (Node's
// HTTP parser reports those as HPE_* codes, its request stream and raw-body as 'aborted').
const CLIENT_GONE_CODES = new Set([
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ERR_STREAM_PREMATURE_CLOSE',
]);
const CLIENT_GONE_MESSAGES = new Set(['aborted', 'request aborted']);

type ErrorFields = { status?: unknown; expose?: unknown; code?: unknown; message?: unknown };
type RequestInfo = Pick<Context, 'method' | 'originalUrl' | 'req'>;

// Errors the client caused: a 4xx, an error whose message is meant for the client, or
// a client that went away. The same connection codes count only if the client's own
// connection is gone: from a database or an API this app calls, they are ours to fix.
export function isClientError(error: unknown, ctx?: RequestInfo): boolean {
  const { status, expose, code, message } = (error ?? {}) as ErrorFields;
  const serverStatus = typeof status === 'number' && status >= 500;
  if (
    (typeof status === 'number' && status >= 400 && status < 500) ||
    (expose && !serverStatus)
  )
    return true;
  const gone =
    (typeof code === 'string' && (CLIENT_GONE_CODES.has(code) || code.startsWith('HPE_'))) ||
    (typeof message === 'string' && CLIENT_GONE_MESSAGES.has(message));
  return gone && (ctx?.req.socket?.destroyed ?? true);
}

// The app's error log, in place of Koa's default (app.on('error', logError) replaces it),
// which prints a stack trace for every visitor who closes a tab mid-upload. A client's
// error is not ours to fix and logs nothing; any other error logs its request and stack.
export function logError(
  error: unknown,
  ctx?: RequestInfo,
  print: (text: string) => void = console.error,
) {
  if (isClientError(error, ctx)) return;
  const where = ctx ? `${ctx.method} ${ctx.originalUrl} failed: ` : '';
  // An outage the app foresaw and explained to the visitor (a 503: the database is busy)
  // is one line with its cause: a stack trace per request would bury everything else.
  const { status, expose, cause } = (error ?? {}) as ErrorFields & { cause?: unknown };
  if (expose === true && typeof status === 'number' && status >= 500) {
    const why = cause instanceof Error ? ` (${cause.message})` : '';
    return print(`${where}${status} ${(error as Error).message}${why}`);
  }
  print(`${where}${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
}
