import dns from 'node:dns';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import { expect } from 'chai';
import { ErrorReply } from 'redis';
import {
  connectRedis,
  MAX_RECONNECT_DELAY,
  reason,
  SessionStoreUnavailable,
  withDeadline,
  withoutCredentials,
} from '../src/redis.ts';
import type { Redis } from '../src/redis.ts';
import { quietPort, redisOrSkip, sharedRedis, startRedis } from '../testing/redis.ts';
import type { RedisServer } from '../testing/redis.ts';

// connectRedis (src/redis.ts) against a real redis-server: how it refuses at start-up,
// and how it logs a lost connection and its return.
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
// A connection that Redis's end closed (or reset), in node-redis's words.
const UNREACHABLE =
  /^Redis at redis:\/\/127\.0\.0\.1:\d+ is unreachable \((?:Socket closed unexpectedly|read ECONNRESET)\); retrying in the background$/;
const cannotReach = (url: string, why = 'connection refused') =>
  `cannot reach Redis at ${url} (${why}); start redis-server, or unset REDIS_URL to keep sessions in SQLite`;
const refused = (url: string, reply: string) =>
  `Redis at ${url} refused the connection: ${reply}; check the database number, user name and password in REDIS_URL`;
const notRedisLine = (url: string, ms: number) =>
  `the server at ${url} accepted the connection but did not answer as Redis does within ${ms} ms; check that REDIS_URL names a Redis server`;

// Resolves once `condition()` holds; fails, saying what it waited for, after `ms`.
async function waitUntil(condition: () => boolean, what: string, ms: number) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`waited ${ms} ms for ${what}`);
    await sleep(20);
  }
}

// A TCP server that accepts every connection and never says a word: another program on
// Redis's port, not a Redis. open() counts the connections still open; close() ends it
// and them.
async function silentServer() {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket)).resume(); // reads, and ignores, it all
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    url: `redis://127.0.0.1:${port}`,
    open: () => sockets.size,
    close() {
      sockets.forEach((socket) => socket.destroy());
      server.close();
    },
  };
}

// What `start()`'s promise settled with, and after how many milliseconds, counted from
// before the call (so that a lower bound holds however long the call's first part takes).
async function timed(start: () => Promise<unknown>) {
  const startedAt = performance.now();
  const error = await start()
    .then(() => undefined)
    .catch((error: Error) => error);
  return { error, ms: performance.now() - startedAt };
}

// How many timers are keeping this process running (an unref'd one is not counted),
// counted after a turn of the event loop, once mocha's own timer for the test is set.
const timers = async () => {
  await new Promise((resolve) => setImmediate(resolve));
  return process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
};

// What `run` returns, and everything written to this process's stderr meanwhile.
async function stderrDuring<T>(run: () => Promise<T>): Promise<[T, string]> {
  const write = process.stderr.write;
  let written = '';
  process.stderr.write = ((chunk: string | Uint8Array) => {
    written += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    return [await run(), written];
  } finally {
    process.stderr.write = write;
  }
}

describe('connectRedis', function () {
  this.timeout(10_000);
  let server: RedisServer | undefined; // a test's own, for one that stops it
  let client: Redis | undefined;
  let logged: string[];
  before(function () {
    redisOrSkip(this);
  });
  beforeEach(() => (logged = []));
  afterEach(async () => {
    client?.destroy();
    client = undefined;
    await server?.stop();
    server = undefined;
  });

  // A redis-server of the test's own, and a client of it that counts its failed tries
  // (node-redis emits 'error' for each reconnection attempt that fails).
  const connectOwn = async () => {
    server = await startRedis();
    client = await connectRedis(server.url, {
      startupTimeout: 1000,
      log: (line) => logged.push(line),
    });
    const redis = Object.assign(client, { attempts: 0 });
    redis.on('error', () => redis.attempts++);
    return { server, redis };
  };

  it('refuses to connect after startupTimeout, in one line that says what to do', async () => {
    const port = await quietPort(); // nothing listens there
    const url = `redis://user:secret@127.0.0.1:${port}`;
    const [{ error, ms }, stderr] = await stderrDuring(() =>
      timed(() => connectRedis(url, { startupTimeout: 300 })),
    );
    expect(error?.message).to.equal(cannotReach(`redis://127.0.0.1:${port}`)); // no password
    expect(ms).to.be.within(300, 2000);
    expect(stderr).to.equal('');
  });

  it('says so when the host in REDIS_URL cannot be found', async () => {
    const url = 'redis://nosuchhost.invalid:6379'; // .invalid: a name that never resolves
    // A failed lookup is retried, like a refused connection, until startupTimeout. The
    // lookup itself usually fails within milliseconds, but on a busy machine it has taken
    // over 500 ms: the test leaves it 1500.
    const { error } = await timed(() => connectRedis(url, { startupTimeout: 1500 }));
    expect(error?.message).to.equal(cannotReach(url, 'host not found'));
  });

  it('says that no connection was made when the lookup or the connection outlasts startupTimeout', async () => {
    // A resolver that never answers, in this process only (net.connect asks dns.lookup).
    const { lookup } = dns;
    dns.lookup = (() => {}) as unknown as typeof dns.lookup;
    try {
      const url = 'redis://redis.example:6379';
      const { error, ms } = await timed(() => connectRedis(url, { startupTimeout: 300 }));
      expect(error?.message).to.equal(cannotReach(url, 'no connection within 300 ms'));
      expect(ms).to.be.within(300, 2000);
    } finally {
      dns.lookup = lookup;
    }
  });

  it('leaves no timer running once connected: a process that quits need not wait for startupTimeout', async () => {
    const before = await timers();
    const connected = await connectRedis((await sharedRedis()).url, { startupTimeout: 60_000 });
    connected.destroy();
    // At most as many as before: a timer of an earlier test may have ended meanwhile.
    expect(await timers()).to.be.at.most(before);
  });

  // Redis is running, and has said no: trying again for startupTimeout would change nothing.
  it('refuses at once a database number that Redis does not have, saying what Redis answered', async () => {
    const url = `${(await sharedRedis()).url}/99`;
    const [{ error, ms }, stderr] = await stderrDuring(() => timed(() => connectRedis(url)));
    expect(error?.message).to.equal(refused(url, 'ERR DB index is out of range'));
    expect(error?.cause).to.be.an.instanceOf(ErrorReply); // Redis's own reply, for the log
    expect(ms).to.be.below(1000); // not the 3000 ms of startupTimeout
    expect(stderr).to.equal('');
  });

  it('refuses at once a user name and password that Redis does not accept, showing neither', async () => {
    const shared = await sharedRedis();
    const url = shared.url.replace('//', '//someone:wrong@');
    const [{ error, ms }, stderr] = await stderrDuring(() => timed(() => connectRedis(url)));
    expect(error?.message).to.equal(
      refused(shared.url, 'WRONGPASS invalid username-password pair or user is disabled'),
    );
    expect(ms).to.be.below(1000);
    expect(stderr).to.equal('');
  });

  it('gives up after startupTimeout on a server that accepts the connection and never answers', async () => {
    const silent = await silentServer();
    try {
      const [{ error, ms }, stderr] = await stderrDuring(() =>
        timed(() => connectRedis(silent.url, { startupTimeout: 300 })),
      );
      expect(error?.message).to.equal(notRedisLine(silent.url, 300));
      expect((error?.cause as Error).message).to.equal('timed out');
      expect(ms).to.be.within(300, 2000);
      expect(stderr).to.equal('');
      // and the client is gone: nothing left open, so the process can exit
      await waitUntil(() => silent.open() === 0, 'the connection to close', 2000);
    } finally {
      silent.close();
    }
  });

  it('fails each command at once while Redis is down, retries, and logs the loss once', async () => {
    const { server, redis } = await connectOwn();
    const [, stderr] = await stderrDuring(async () => {
      await server.stop();
      for (let call = 1; call <= 3; call++) {
        const { error, ms } = await timed(() => redis.get('abc'));
        expect(error).to.be.an.instanceOf(Error);
        expect(ms).to.be.below(500); // not held in a queue until Redis returns
        await waitUntil(() => redis.attempts >= call, 'another attempt to fail', 5000);
      }
    });
    expect(logged).to.have.length(1);
    expect(logged[0]).to.match(UNREACHABLE);
    expect(stderr).to.equal('');
  });

  // Often enough that pages work again soon after Redis is back (at most
  // MAX_RECONNECT_DELAY and one connection later), seldom enough not to hammer it:
  // node-redis tries once at once, then reconnectStrategy's waits.
  it(`tries to reconnect at once, then 200 ms later, then 400 ms after that, then every MAX_RECONNECT_DELAY (${MAX_RECONNECT_DELAY} ms)`, async () => {
    const { server, redis } = await connectOwn();
    const failedAt: number[] = [];
    redis.on('error', () => failedAt.push(performance.now()));
    await server.stop();
    await waitUntil(() => failedAt.length >= 6, 'six failures', 5000);
    // [0] is the connection lost, [1] the try made at once
    const [, first, second, third, fourth, fifth] = failedAt;
    // (Upper bounds with room for a busy machine; the delays are timers, so never early.)
    expect(second - first).to.be.within(180, 1000);
    expect(third - second).to.be.within(380, MAX_RECONNECT_DELAY + 800);
    // The cap: doubling on would wait 800 ms, then 1600 ms.
    expect(fourth - third).to.be.within(MAX_RECONNECT_DELAY - 20, MAX_RECONNECT_DELAY + 800);
    expect(fifth - fourth).to.be.within(MAX_RECONNECT_DELAY - 20, MAX_RECONNECT_DELAY + 800);
  });

  it('works again by itself once Redis is back, and logs that once, each time', async () => {
    const { server, redis } = await connectOwn();
    const [, stderr] = await stderrDuring(async () => {
      await server.stop();
      await waitUntil(() => redis.attempts >= 2, 'two attempts to fail', 5000);
      await server.restart(); // on the same port, empty
      await waitUntil(() => logged.length > 1, 'a second line in the log', 5000);
      await redis.set('abc', '1');
      expect(await redis.get('abc')).to.equal('1');
      await server.stop(); // and a second outage
      await waitUntil(() => logged.length > 2, 'a third line in the log', 5000);
    });
    expect(logged).to.have.length(3);
    expect(logged[0]).to.match(UNREACHABLE);
    expect(logged[1]).to.equal(`Redis at ${server.url} is reachable again`);
    expect(logged[2]).to.match(UNREACHABLE);
    expect(stderr).to.equal('');
  });
});

describe('withoutCredentials', () => {
  it('drops the user name and password from a REDIS_URL, for the log', () => {
    expect(withoutCredentials('redis://user:secret@127.0.0.1:6379/1')).to.equal(
      'redis://127.0.0.1:6379/1',
    );
    expect(withoutCredentials('redis://127.0.0.1:6379')).to.equal('redis://127.0.0.1:6379');
    expect(withoutCredentials('not a url //user:secret@host')).to.equal('not a url //host');
  });
});

describe('withDeadline', () => {
  const call = withDeadline(50);

  it("passes a command's answer through", async () => {
    expect(await call(async () => 'answer')).to.equal('answer');
  });

  it('turns a command with no reply in time into a 503 that asks to retry', async () => {
    const started = Date.now();
    const error = await call(() => new Promise(() => {})).catch((e: unknown) => e);
    expect(Date.now() - started).to.be.within(40, 1000);
    expect(error).to.be.an.instanceOf(SessionStoreUnavailable);
    expect(error).to.include({ status: 503, expose: true, name: 'SessionStoreUnavailable' });
    expect((error as SessionStoreUnavailable).headers).to.deep.equal({ 'Retry-After': '1' });
    expect((error as Error).message).to.equal(
      'Sessions are unavailable for a moment; please try again.',
    );
    expect(((error as Error).cause as Error).message).to.equal('no reply in 50 ms');
  });

  it('leaves no timer running once the command has answered', async () => {
    const before = await timers();
    expect(await withDeadline(60_000)(async () => 'answer')).to.equal('answer');
    expect(await timers()).to.be.at.most(before); // (one of an earlier test may have ended)
  });

  it('turns any failure into a SessionStoreUnavailable, with the failure as its cause', async () => {
    const failure = new Error('connection lost');
    const error = await call(() => Promise.reject(failure)).catch((e: unknown) => e);
    expect(error).to.be.an.instanceOf(SessionStoreUnavailable);
    expect((error as Error).cause).to.equal(failure);
  });

  it("answers a WRONGTYPE reply with orElse's value, and only when there is an orElse", async () => {
    const wrongType = () => Promise.reject(new ErrorReply('WRONGTYPE Operation against a key'));
    expect(await call(wrongType, () => 'nothing')).to.equal('nothing');
    const other = () => Promise.reject(new ErrorReply('ERR something else'));
    expect(await call(other, () => 'nothing').catch((e: unknown) => e)).to.be.an.instanceOf(
      SessionStoreUnavailable,
    );
    expect(await call(wrongType).catch((e: unknown) => e)).to.be.an.instanceOf(
      SessionStoreUnavailable,
    );
  });
});

describe('reason', () => {
  const withCode = (code: string) => Object.assign(new Error(`connect ${code}`), { code });

  it('says in a few words why a connection to Redis failed', () => {
    expect(reason(withCode('ECONNREFUSED'))).to.equal('connection refused');
    expect(reason(withCode('ENOTFOUND'))).to.equal('host not found');
    expect(reason(withCode('EAI_AGAIN'))).to.equal('host not found'); // DNS down for now
    expect(reason(new Error('Socket closed unexpectedly'))).to.equal(
      'Socket closed unexpectedly',
    );
  });

  it('falls back to the text of an error without a message, or of something not an Error', () => {
    expect(reason(new Error(''))).to.equal('Error');
    expect(reason('timeout')).to.equal('timeout');
  });
});

// The tests' own helper, for a port where nothing must listen for a while.
describe('quietPort (@course/platform/testing/redis)', () => {
  it('gives a free port below the ones the system hands out for port 0', async () => {
    const port = await quietPort();
    expect(port).to.be.within(20_000, 29_999);
    const server = createServer().listen(port, '127.0.0.1');
    await once(server, 'listening'); // free: it can be listened on
    server.close();
    await once(server, 'close');
  });
});
