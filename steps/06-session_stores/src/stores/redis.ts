import { createClient } from 'redis';
import { lifetime, parse } from './store.ts';
import type { SessionStore } from './store.ts';

export type Redis = Awaited<ReturnType<typeof connectRedis>>;

// #region unavailable
// What a visitor sees while Redis cannot answer: a 503 with a plain message, instead of a
// request that hangs or a 500. Nothing is lost: the sessions are still in Redis, and the
// first request after it is back works again. The original error stays in `cause`.
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

// #region redis-store
// Sessions in Redis, shared by every process on every machine that connects to it: one
// key per session (`prefix` + the id from the cookie) and a list beside it for the cart.
// Redis forgets both when their time is up (PX, PEXPIRE), so nothing needs pruning.
export function redisStore(
  client: Redis,
  { prefix = 'session:', timeout = 1000 } = {},
): SessionStore {
  const cartKey = (id: string) => `${prefix}${id}:cart`;
  return {
    get: (id) => call(async () => parse(await client.get(prefix + id))),
    set: (id, session, maxAge) =>
      call(async () => {
        const ttl = lifetime(maxAge); // at each save, the cart gets its session's lifetime
        const json = JSON.stringify(session);
        await client
          .multi()
          .set(prefix + id, json, { expiration: { type: 'PX', value: ttl } })
          .pExpire(cartKey(id), ttl)
          .exec();
      }),
    destroy: (id) => call(async () => void (await client.del([prefix + id, cartKey(id)]))),
    cart: (id) => call(() => client.lRange(cartKey(id), 0, -1)),
    // RPUSH appends in one step, however many requests do it at once; LTRIM in the same
    // transaction takes back an item pushed beyond the limit. A new cart gets a day (NX:
    // only if it has no expiry yet) until its session's next save sets the real one.
    addToCart: (id, item, limit) =>
      call(async () => {
        const [length] = await client
          .multi()
          .rPush(cartKey(id), item)
          .lTrim(cartKey(id), 0, limit - 1)
          .pExpire(cartKey(id), lifetime(), 'NX')
          .exec();
        return Number(length) <= limit;
      }),
  };

  // Every command gets a deadline. With Redis down, the client fails commands at once (see
  // connectRedis), but a Redis that is up and not answering would leave the request
  // waiting for ever. Any failure becomes a SessionStoreUnavailable. A deadline cannot
  // take back a command Redis has received: it may still run once Redis answers again.
  async function call<T>(command: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no reply in ${timeout} ms`)), timeout);
    });
    try {
      return await Promise.race([command(), deadline]);
    } catch (error) {
      throw new SessionStoreUnavailable(error);
    } finally {
      clearTimeout(timer);
    }
  }
}
// #endregion redis-store

// Why the connection failed, in a few words rather than a stack trace.
function reason(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  return typeof message === 'string' && message ? message : String(error);
}

// #region connect
// Connects at start-up, or says in one line why it cannot (a wrong REDIS_URL should stop
// the server, not leave it half-working). Later losses of the connection are retried in
// the background for as long as it takes, logged once when lost and once when back.
export async function connectRedis(
  url: string,
  { startupTimeout = 3000, log = console.error } = {},
) {
  const where = url.replace(/\/\/[^/@]*@/, '//'); // without any password, for the log
  // On a clock that a change of the system time cannot move.
  const giveUpAt = performance.now() + startupTimeout;
  let connected = false; // the first connection has succeeded
  let lost = false; // the connection is down, and that has been logged

  const client = createClient({
    url,
    // Without a connection, fail each command at once rather than hold it (and the
    // visitor's request) in a queue until Redis returns, which may be never.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 1000, // a host that never answers counts as a failed try
      // Retry after 100 ms, doubling up to 2 s: quick to recover, without hammering a
      // Redis that is restarting. At start-up, `false` stops trying after startupTimeout.
      reconnectStrategy: (retries) =>
        connected || performance.now() < giveUpAt ? Math.min(100 * 2 ** retries, 2000) : false,
    },
  });
  // node-redis emits 'error' when the connection drops and at every failed retry; an
  // 'error' nobody listens to would end the process.
  client.on('error', (error) => {
    if (!connected || lost) return;
    lost = true;
    log(`Redis at ${where} is unreachable (${reason(error)}); retrying in the background`);
  });
  client.on('ready', () => {
    connected = true;
    if (lost) log(`Redis at ${where} is reachable again`);
    lost = false;
  });

  try {
    await client.connect();
  } catch (error) {
    client.destroy(); // nothing left open, so the process can exit
    throw new Error(
      `cannot reach Redis at ${where} (${reason(error)}); start redis-server, or unset REDIS_URL to keep sessions in SQLite`,
      { cause: error },
    );
  }
  return client;
}
// #endregion connect
