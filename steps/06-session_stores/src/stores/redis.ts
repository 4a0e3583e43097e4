import { createClient, ErrorReply } from 'redis';
import { firstLifetime, lifetime, parse, REVOKED_LIFETIME } from './store.ts';
import type { SessionStore } from './store.ts';

export type Redis = Awaited<ReturnType<typeof connectRedis>>;

// #region unavailable
// What a visitor sees while Redis cannot answer: a 503 with a plain message, instead of a
// request that hangs or a 500. The original error stays in `cause`. Pages work again once
// the client has reconnected, which connectRedis logs ("reachable again"): at most
// MAX_RECONNECT_DELAY and one connection after Redis is back. They find what Redis
// kept. With persistence (RDB snapshots, or the append-only file) it reloads what it
// last wrote to disk; without it, as this step's tests and demonstrations run it, it
// comes back empty, and every visitor gets a new session: the count starts again at 1,
// the cart is empty.
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
// A save and an add each check the session first, so they run as Lua scripts: Redis runs
// a script whole, with no other client's command in between, as a transaction would.

// What a destroyed session's key holds until REVOKED_LIFETIME is up: not a JSON object,
// so get() finds no session there, and the scripts below write nothing for it.
const REVOKED = 'revoked';

// KEYS: the session, its cart. ARGV: the JSON, the full lifetime, the first lifetime.
// A key already there has had its cookie back: the full lifetime; a new one, the first.
const SAVE = `
  local stored = redis.call('GET', KEYS[1])
  if stored == '${REVOKED}' then return 0 end
  local ttl = stored and ARGV[2] or ARGV[3]
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
  redis.call('PEXPIRE', KEYS[2], ttl)
  return 1`;

// KEYS: the session, its cart. ARGV: the item, the limit. Only a live session's cart
// grows, up to the limit, and it lives as long as its session.
const ADD_TO_CART = `
  local stored = redis.call('GET', KEYS[1])
  if not stored or stored == '${REVOKED}' then return 0 end
  if redis.call('LLEN', KEYS[2]) >= tonumber(ARGV[2]) then return 0 end
  redis.call('RPUSH', KEYS[2], ARGV[1])
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
  return 1`;

export function redisStore(
  client: Redis,
  { prefix = 'session:', timeout = 1000 } = {},
): SessionStore {
  const cartKey = (id: string) => `${prefix}${id}:cart`;
  return {
    get: (id) =>
      call(
        async () => parse(await client.get(prefix + id)),
        () => undefined,
      ),
    // At each save, the cart gets its session's lifetime. A session destroyed since this
    // request loaded it stays destroyed.
    set: (id, session, maxAge) =>
      call(async () => {
        const keys = [prefix + id, cartKey(id)];
        const lifetimes = [lifetime(maxAge), firstLifetime(maxAge)].map(String);
        await client.eval(SAVE, { keys, arguments: [JSON.stringify(session), ...lifetimes] });
      }),
    // The cart goes; the session's key stays, revoked, in the same transaction.
    destroy: (id) =>
      call(async () => {
        await client
          .multi()
          .set(prefix + id, REVOKED, { expiration: { type: 'PX', value: REVOKED_LIFETIME } })
          .del(cartKey(id))
          .exec();
      }),
    cart: (id) =>
      call(
        () => client.lRange(cartKey(id), 0, -1),
        () => [],
      ),
    // One script, however many requests add at once: the count and the append cannot
    // interleave, and nothing is added for a session that is gone, or destroyed.
    addToCart: (id, item, limit) =>
      call(async () => {
        const keys = [prefix + id, cartKey(id)];
        const added = await client.eval(ADD_TO_CART, { keys, arguments: [item, `${limit}`] });
        return added === 1;
      }),
  };

  // Every command gets a deadline. With Redis down, the client fails commands at once (see
  // connectRedis), but a Redis that is up and not answering would leave the request
  // waiting for ever. Any failure becomes a SessionStoreUnavailable. A deadline cannot
  // take back a command Redis has received: it may still run once Redis answers again.
  // A WRONGTYPE reply is no outage: the id names a key of another kind, which only a forged
  // cookie can do (`<id>:cart` names a cart), so a read finds nothing there (`orElse`).
  // Writes never meet one: koa-session saves, and the app adds to a cart, only under an
  // id that koa-session made or found a session under, and never a `…:cart` one.
  async function call<T>(command: () => Promise<T>, orElse?: () => T): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no reply in ${timeout} ms`)), timeout);
    });
    try {
      return await Promise.race([command(), deadline]);
    } catch (error) {
      if (orElse && isWrongType(error)) return orElse();
      throw new SessionStoreUnavailable(error);
    } finally {
      clearTimeout(timer);
    }
  }
}
// #endregion redis-store

// Redis's answer to a command on a key of another type, such as GET on a cart's list.
const isWrongType = (error: unknown) =>
  error instanceof ErrorReply && error.message.startsWith('WRONGTYPE');

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
function reason(error: unknown): string {
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
  const where = withoutCredentials(url); // for the log
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
  const connecting = client.connect();
  connecting.catch(() => {}); // once given up on, it fails when destroyed: nothing to add
  try {
    await Promise.race([connecting, deadline]);
  } catch (error) {
    client.destroy(); // nothing left open, so the process can exit
    throw new Error(whyNot(error), { cause: error });
  } finally {
    clearTimeout(timer);
  }
  return client;

  // Redis answered and refused (an error reply), nothing answered as Redis does, or
  // nothing could be reached: three causes, three things to check.
  function whyNot(error: unknown) {
    if (error instanceof ErrorReply)
      return `Redis at ${where} refused the connection: ${error.message.replace(/\.$/, '')}; check the database number, user name and password in REDIS_URL`;
    if (!failure)
      return `the server at ${where} accepted the connection but did not answer as Redis does within ${startupTimeout} ms; check that REDIS_URL names a Redis server`;
    return `cannot reach Redis at ${where} (${reason(error)}); start redis-server, or unset REDIS_URL to keep sessions in SQLite`;
  }
}
// #endregion connect
