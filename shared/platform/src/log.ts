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
  printOutage: (line: string, reason: string) => void = print,
) {
  if (isClientError(error, ctx)) return;
  const where = ctx ? `${ctx.method} ${ctx.originalUrl} failed: ` : '';
  // An outage the app foresaw and explained to the visitor (a 503: the database is busy)
  // is one line with its cause: a stack trace per request would bury everything else.
  const { status, expose, cause } = (error ?? {}) as ErrorFields & { cause?: unknown };
  if (expose === true && typeof status === 'number' && status >= 500) {
    const why = cause instanceof Error ? ` (${cause.message})` : '';
    const reason = `${status} ${(error as Error).message}${why}`;
    return printOutage(`${where}${reason}`, reason);
  }
  print(`${where}${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
}

// An outage fails every request until it ends: thousands of identical lines would bury
// whatever else the log says. So the first line of each reason is printed at once, the
// same reason within REPEAT_WINDOW is only counted, and one line then says how many.
export const REPEAT_WINDOW = 10_000; // ms
type Schedule = (then: () => void, ms: number) => void;
// A timer that never keeps the process running: a server that stops need not wait for it.
const unrefTimer: Schedule = (then, ms) => void setTimeout(then, ms).unref();

export function collapseRepeats(print: (text: string) => void, schedule = unrefTimer) {
  const repeats = new Map<string, number>(); // per reason, repeats counted since its line
  return (line: string, reason: string) => {
    const count = repeats.get(reason);
    if (count !== undefined) return void repeats.set(reason, count + 1);
    print(line);
    repeats.set(reason, 0);
    schedule(() => {
      const more = repeats.get(reason) ?? 0;
      repeats.delete(reason);
      const requests = more === 1 ? 'request' : 'requests';
      const seconds = REPEAT_WINDOW / 1000;
      if (more)
        print(`${more} more ${requests} failed the same way in ${seconds} s: ${reason}`);
    }, REPEAT_WINDOW);
  };
}

// The log an app uses, app.on('error', errorLog()): one per app, so that the counts of
// one app (or one test's) never hide another's lines. It prints with whatever
// console.error is at the time.
export function errorLog(print = (text: string) => console.error(text), schedule = unrefTimer) {
  const outage = collapseRepeats(print, schedule);
  return (error: unknown, ctx?: RequestInfo) => logError(error, ctx, print, outage);
}
