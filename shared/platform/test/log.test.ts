import { expect } from 'chai';
import { mock } from 'node:test';
import type { Context } from 'koa';
import { errorLog, isClientError, logError, REPEAT_WINDOW } from '../src/index.ts';

// A request as logError sees it: its method, its URL, and whether its client is still there.
const request = (destroyed: boolean) =>
  ({
    method: 'POST',
    originalUrl: '/items',
    req: { socket: { destroyed } },
  }) as unknown as Context;
const withCode = (code: string) => Object.assign(new Error(`read ${code}`), { code });

describe('isClientError', () => {
  it('is true for a 4xx, and for an error whose message is meant for the client', () => {
    expect(isClientError(Object.assign(new Error('Bad Request'), { status: 400 }))).to.equal(
      true,
    );
    expect(isClientError(Object.assign(new Error('Not Found'), { status: 404 }))).to.equal(
      true,
    );
    expect(isClientError(Object.assign(new Error('Custom'), { status: 499 }))).to.equal(true);
    expect(isClientError(Object.assign(new Error('Nope'), { expose: true }))).to.equal(true);
  });

  it('is true when the client went away mid-request', () => {
    const gone = request(true);
    expect(isClientError(withCode('ECONNRESET'), gone)).to.equal(true);
    expect(isClientError(withCode('ECONNABORTED'), gone)).to.equal(true);
    expect(isClientError(withCode('EPIPE'), gone)).to.equal(true);
    expect(isClientError(withCode('ERR_STREAM_PREMATURE_CLOSE'), gone)).to.equal(true);
    expect(isClientError(withCode('HPE_INVALID_EOF_STATE'), gone)).to.equal(true);
    expect(isClientError(new Error('aborted'), gone)).to.equal(true);
    expect(isClientError(new Error('request aborted'), gone)).to.equal(true);
  });

  it('is false for the same codes while the client is still connected: another connection failed', () => {
    expect(isClientError(withCode('ECONNRESET'), request(false))).to.equal(false);
  });

  it('takes a client-gone code at its word when there is no request, or no socket, to ask', () => {
    expect(isClientError(withCode('ECONNRESET'))).to.equal(true);
    expect(isClientError(withCode('EPIPE'), { req: {} } as unknown as Context)).to.equal(true);
  });

  it('is false for other connection codes, even when the client has gone', () => {
    expect(isClientError(withCode('ENOTFOUND'), request(true))).to.equal(false);
    expect(isClientError(withCode('ECONNREFUSED'), request(true))).to.equal(false);
  });

  it('is false for a server error, a bug, or something that is not an Error', () => {
    expect(
      isClientError(Object.assign(new Error('Failed'), { status: 500 }), request(true)),
    ).to.equal(false);
    expect(
      isClientError(Object.assign(new Error('Odd'), { status: 399 }), request(true)),
    ).to.equal(false);
    expect(isClientError(new TypeError('x is undefined'), request(true))).to.equal(false);
    expect(isClientError('a string', request(true))).to.equal(false);
    expect(isClientError(undefined)).to.equal(false);
  });
});

describe('logError', () => {
  const logged = (error: unknown, ctx?: Context) => {
    const lines: string[] = [];
    logError(error, ctx, (text) => lines.push(text));
    return lines;
  };

  it('logs nothing for a client error', () => {
    expect(logged(withCode('ECONNRESET'), request(true))).to.deep.equal([]);
    expect(logged(Object.assign(new Error('Bad'), { status: 400 }))).to.deep.equal([]);
  });

  it('logs any other error with its request and stack trace', () => {
    const error = new TypeError('x is undefined');
    const [text, ...more] = logged(error, request(false));
    expect(more).to.deep.equal([]);
    expect(text).to.equal(`POST /items failed: ${error.stack}`);
  });

  it('logs a 5xx whose message is not meant for the client (ctx.throw(500)) with its stack trace', () => {
    const error = Object.assign(new Error('Internal Server Error'), {
      status: 500,
      expose: false,
    });
    expect(logged(error, request(false))).to.deep.equal([`POST /items failed: ${error.stack}`]);
  });

  it('logs an outage explained to the visitor (status 500 or more, exposed) as one line with its cause', () => {
    const error = Object.assign(new Error('Try again.'), {
      status: 500,
      expose: true,
      cause: new Error('disk full'),
    });
    expect(logged(error, request(false))).to.deep.equal([
      'POST /items failed: 500 Try again. (disk full)',
    ]);
  });

  it('logs something that is not an Error as text', () => {
    expect(logged('a string')).to.deep.equal(['a string']);
  });
});

describe('errorLog', () => {
  // An outage the app explained to the visitor: a 503 whose message is meant for them.
  const outage = (cause: string) =>
    Object.assign(new Error('Busy; try again.'), {
      status: 503,
      expose: true,
      cause: new Error(cause),
    });
  // The log, with its lines kept and its timers run by the test, not by the clock.
  function testLog() {
    const lines: string[] = [];
    const timers: { then: () => void; ms: number }[] = [];
    const log = errorLog(
      (text) => lines.push(text),
      (then, ms) => timers.push({ then, ms }),
    );
    return { log, lines, timers };
  }
  const locked = 'POST /items failed: 503 Busy; try again. (database is locked)';

  it("prints an outage's first line at once, and its repeats as one line after REPEAT_WINDOW", () => {
    const { log, lines, timers } = testLog();
    for (let i = 0; i < 4000; i++) log(outage('database is locked'), request(false));
    expect(lines).to.deep.equal([locked]);
    expect(timers.map(({ ms }) => ms)).to.deep.equal([REPEAT_WINDOW]);
    timers[0].then();
    expect(lines).to.deep.equal([
      locked,
      `3999 more requests failed the same way in ${REPEAT_WINDOW / 1000} s: ` +
        '503 Busy; try again. (database is locked)',
    ]);
    // The window is over: the next one is news again.
    log(outage('database is locked'), request(false));
    expect(lines).to.have.length(3);
    expect(lines[2]).to.equal(locked);
  });

  it('adds no line when nothing repeated, and prints a different outage or any other error at once', () => {
    const { log, lines, timers } = testLog();
    log(outage('database is locked'), request(false));
    log(outage('disk I/O error'), request(false));
    log(new TypeError('x is undefined'), request(false));
    log(new TypeError('x is undefined'), request(false));
    expect(lines).to.have.length(4);
    expect(lines[1]).to.equal('POST /items failed: 503 Busy; try again. (disk I/O error)');
    timers.forEach(({ then }) => then());
    expect(lines).to.have.length(4);
  });

  it('says "1 more request" when one repeated', () => {
    const { log, lines, timers } = testLog();
    log(outage('database is locked'), request(false));
    log(outage('database is locked'), request(false));
    timers[0].then();
    expect(lines[1]).to.equal(
      `1 more request failed the same way in ${REPEAT_WINDOW / 1000} s: ` +
        '503 Busy; try again. (database is locked)',
    );
  });

  it('prints with console.error by default, whichever it is at the time', () => {
    const log = errorLog();
    const error = console.error;
    const lines: unknown[] = [];
    console.error = (line: unknown) => lines.push(line);
    try {
      log('a string');
    } finally {
      console.error = error;
    }
    expect(lines).to.deep.equal(['a string']);
  });

  it("with its own timer, prints the repeats' line REPEAT_WINDOW after the first", () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const lines: string[] = [];
      const log = errorLog((text) => lines.push(text));
      log(outage('database is locked'), request(false));
      log(outage('database is locked'), request(false));
      mock.timers.tick(REPEAT_WINDOW - 1);
      expect(lines).to.deep.equal([locked]);
      mock.timers.tick(1);
      expect(lines).to.have.length(2);
      expect(lines[1]).to.match(/^1 more request failed the same way/);
    } finally {
      mock.timers.reset();
    }
  });

  it('uses a timer that does not keep the process running', async () => {
    const handles = process.getActiveResourcesInfo().filter((name) => name === 'Timeout');
    const log = errorLog(() => {});
    log(outage('database is locked'), request(false));
    const after = process.getActiveResourcesInfo().filter((name) => name === 'Timeout');
    expect(after).to.have.length(handles.length); // an unref'd timer is not listed
  });
});
