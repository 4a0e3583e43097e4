// A Redis connection for a step's session store: connected at start-up within a deadline,
// or refused in one line that says why; reconnected in the background after, with its
// losses logged. Its own entry point, '@course/platform/redis', so that steps without
// Redis never load the client; and it loads the client (node-redis) only when it connects,
// so that a server of a step with Redis that keeps its sessions elsewhere (no REDIS_URL)
// does not either: loading it is a third of such a server's start-up (step 06's, on
// Node 24: 230 ms of CPU with it, 155 ms without).
const nodeRedis = () => import('redis');

// The client connectRedis returns, which a step's store uses.
export type Redis = Awaited<ReturnType<typeof connectRedis>>;

// REDIS_URL as the log shows it: without the user name and password.
export function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = parsed.password = '';
    return parsed.href;
  } catch {
    return url.replace(/\/\/.*@/, '//');
  }
}

// Why the connection failed, in a few words rather than a stack trace.
export function reason(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  return typeof message === 'string' && message ? message : String(error);
}

// The longest wait between two tries to reconnect, in ms: pages work again at most this
// long after Redis is back. Two tries a second per process do not hammer a Redis that is
// starting: each is one connection, which a stopped Redis's host refuses at once.
export const MAX_RECONNECT_DELAY = 500;

// #region connect
// Connects at start-up, or says in one line why it cannot (a wrong REDIS_URL should stop
// the server, not leave it half-working). Later losses of the connection are retried in
// the background for as long as it takes, logged once when lost and once when back.
export async function connectRedis(
  url: string,
  { startupTimeout = 3000, log = console.error } = {},
) {
  const { createClient, ErrorReply } = await nodeRedis();
  const where = withoutCredentials(url); // for the log
  let accepted = false; // a server has accepted a connection (Redis or not)
  let connected = false; // the first connection has succeeded
  let lost = false; // the connection is down, and that has been logged
  let failure: unknown; // why the last try failed, if one has

  const client = createClient({
    url,
    // Without a connection, fail each command at once rather than hold it (and the
    // visitor's request) in a queue until Redis returns, which may be never.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 1000, // a host that never answers counts as a failed try
      // Wait 100 ms, doubled at each try, up to MAX_RECONNECT_DELAY. A lost connection
      // is retried at once, then after 200 ms, 400 ms, and every 500 ms from then on
      // (node-redis counts those tries from 1). At start-up, an error reply (a wrong
      // database number, user or password) stops at once (`false`): Redis is there and
      // has said no, and asking again changes nothing.
      reconnectStrategy: (retries, cause) =>
        !connected && cause instanceof ErrorReply
          ? false
          : Math.min(100 * 2 ** retries, MAX_RECONNECT_DELAY),
    },
  });
  // node-redis emits 'error' when the connection drops and at every failed retry; an
  // 'error' nobody listens to would end the process.
  client.on('error', (error) => {
    failure = error;
    if (!connected || lost) return;
    lost = true;
    log(`Redis at ${where} is unreachable (${reason(error)}); retrying in the background`);
  });
  client.on('connect', () => (accepted = true));
  client.on('ready', () => {
    connected = true;
    if (lost) log(`Redis at ${where} is reachable again`);
    lost = false;
  });

  // startupTimeout covers the whole start: the tries to connect, and the handshake after
  // each (HELLO, with the user and password; SELECT, for a database number), which
  // connectTimeout does not. A server that accepts the connection and never answers, such
  // as another program on Redis's port, would otherwise keep the start waiting for ever.
  // (Timers run on a clock that a change of the system time cannot move.)
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(failure ?? new Error('timed out')), startupTimeout);
  });
  try {
    // (A try given up on fails later, when destroyed: the race has handled that already.)
    await Promise.race([client.connect(), deadline]);
  } catch (error) {
    client.destroy(); // nothing left open, so the process can exit
    throw new Error(whyNot(error), { cause: error });
  } finally {
    clearTimeout(timer);
  }
  return client;

  // Redis answered and refused (an error reply), a server accepted the connection and did
  // not answer as Redis does, or nothing could be reached: three causes, three things to
  // check. Nothing reached and no try failed yet: the host name's lookup or the connection
  // outlasted a startupTimeout shorter than connectTimeout.
  function whyNot(error: unknown) {
    if (error instanceof ErrorReply)
      return `Redis at ${where} refused the connection: ${error.message.replace(/\.$/, '')}; check the database number, user name and password in REDIS_URL`;
    if (accepted && !failure)
      return `the server at ${where} accepted the connection but did not answer as Redis does within ${startupTimeout} ms; check that REDIS_URL names a Redis server`;
    const why = failure ? reason(error) : `no connection within ${startupTimeout} ms`;
    return `cannot reach Redis at ${where} (${why}); start redis-server, or unset REDIS_URL to keep sessions in SQLite`;
  }
}
// #endregion connect

// #region unavailable
// What a visitor sees while a session store's Redis cannot answer: a 503 with a plain
// message, instead of a request that hangs or a 500. The original error stays in `cause`.
// Pages work again once the client has reconnected, which connectRedis logs ("reachable
// again"): at most MAX_RECONNECT_DELAY and one connection after Redis is back.
export class SessionStoreUnavailable extends Error {
  status = 503;
  expose = true;
  headers = { 'Retry-After': '1' };
  constructor(cause: unknown) {
    super('Sessions are unavailable for a moment; please try again.', { cause });
    this.name = 'SessionStoreUnavailable';
  }
}
// #endregion unavailable

// #region deadline
// Runs a store's Redis commands, each within `timeout` ms. With Redis down, the client
// fails commands at once (disableOfflineQueue, above), but a Redis that is up and not
// answering would leave the request waiting for ever. Any failure becomes a
// SessionStoreUnavailable. A deadline cannot take back a command Redis has received: it
// may still run once Redis answers again. A WRONGTYPE reply is no outage: the key holds
// a value of another kind, so a read that has an `orElse` returns what that gives.
export function withDeadline(timeout: number) {
  return async function call<T>(command: () => Promise<T>, orElse?: () => T): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no reply in ${timeout} ms`)), timeout);
    });
    try {
      return await Promise.race([command(), deadline]);
    } catch (error) {
      if (orElse && (await isWrongType(error))) return orElse();
      throw new SessionStoreUnavailable(error);
    } finally {
      clearTimeout(timer);
    }
  };
}
// #endregion deadline

// Redis's answer to a command on a key of another type, such as GET on a list.
// (Such a reply comes from a client that connectRedis made: node-redis is loaded already.)
const isWrongType = async (error: unknown) =>
  error instanceof (await nodeRedis()).ErrorReply && error.message.startsWith('WRONGTYPE');
