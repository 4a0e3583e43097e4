import { idPrefix, storedObject } from '@course/platform';
import { withDeadline } from '@course/platform/redis';
import type { Redis } from '@course/platform/redis';
import { firstLifetime, lifetime, REVOKED_LIFETIME } from './store.ts';
import type { SessionStore } from './store.ts';

// #region redis-store
// A key per session and a list for its cart, both expiring (PX, PEXPIRE). Lua scripts run
// whole, so a save or an add that checks the session first cannot interleave with another.
// A destroyed session's value until REVOKED_LIFETIME is up: not JSON, so get() finds none.
const REVOKED = 'revoked';

// KEYS: session, cart. ARGV: JSON, full lifetime, first lifetime (for a new key).
const SAVE = `
  local stored = redis.call('GET', KEYS[1])
  if stored == '${REVOKED}' then return 0 end
  local ttl = stored and ARGV[2] or ARGV[3]
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
  redis.call('PEXPIRE', KEYS[2], ttl)
  return 1`;

// KEYS: session, cart. ARGV: item, limit. Only a live session's cart grows.
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
  // Each command within `timeout` ms, or a 503. A forged id (`<id>:cart`) reads nothing.
  const call = withDeadline(timeout);
  const cartKey = (id: string) => `${prefix}${id}:cart`;
  const [none, empty] = [() => undefined, () => []];
  return {
    // For the state inspector: the session's key, or its cart's list, by the id's start.
    where: (id, what) => {
      const key = what ? `list ${cartKey(idPrefix(id))}` : `key ${prefix}${idPrefix(id)}`;
      return `the Redis ${key}, with a TTL`;
    },
    get: (id) => call(async () => storedObject(await client.get(prefix + id)), none),
    // The cart gets its session's lifetime; a session destroyed meanwhile stays so.
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
    cart: (id) => call(() => client.lRange(cartKey(id), 0, -1), empty),
    // One script: the count and the append cannot interleave with another request's.
    addToCart: (id, item, limit) =>
      call(async () => {
        const keys = [prefix + id, cartKey(id)];
        return (await client.eval(ADD_TO_CART, { keys, arguments: [item, `${limit}`] })) === 1;
      }),
  };
}
// #endregion redis-store
