import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'chai';
import {
  baseSettings,
  DEV_SESSION_KEY,
  MAX_WORKERS,
  pathFrom,
  secondsFrom,
  sessionKeys,
  shownPath,
  switchFrom,
  workersFrom,
} from '../src/index.ts';

// The readers read a plain object, so these tests pass one instead of touching process.env.
const quiet = () => {};
// The HTTPS settings, all of them valid.
const https = {
  SECURE_COOKIES: 'true',
  TRUST_PROXY: 'true',
  PUBLIC_URL: 'https://shop.example',
};

describe('baseSettings', () => {
  it('has defaults for everything', () => {
    expect(baseSettings({})).to.deep.equal({
      env: 'development',
      port: 6543,
      shutdownTimeout: 10,
      secureCookies: false,
      trustProxy: false,
      publicUrl: undefined,
    });
  });

  it('reads NODE_ENV, PORT, SHUTDOWN_TIMEOUT and the HTTPS settings', () => {
    const settings = baseSettings({
      NODE_ENV: 'production',
      PORT: '8080',
      SHUTDOWN_TIMEOUT: '2.5',
      SECURE_COOKIES: 'true',
      TRUST_PROXY: 'true',
      PUBLIC_URL: 'https://shop.example:8443/',
    });
    expect(settings).to.deep.equal({
      env: 'production',
      port: 8080,
      shutdownTimeout: 2.5,
      secureCookies: true,
      trustProxy: true,
      publicUrl: 'https://shop.example:8443',
    });
  });

  it('refuses secure cookies without a trusted proxy, which would fail every request', () => {
    expect(() => baseSettings({ SECURE_COOKIES: 'true' })).to.throw(
      'SECURE_COOKIES=true needs TRUST_PROXY=true',
    );
  });

  it('accepts every port from 0 (any free port) to 65535', () => {
    expect(baseSettings({ PORT: '0' }).port).to.equal(0);
    expect(baseSettings({ PORT: '65535' }).port).to.equal(65535);
  });

  for (const port of ['abc', '99999', '65536', '', ' 8080', '-1', '80.5', '1e3', '0x50']) {
    it(`refuses PORT=${JSON.stringify(port)}, saying what a port looks like`, () => {
      expect(() => baseSettings({ PORT: port })).to.throw(
        `PORT must be a whole number from 0 to 65535, such as PORT=8080 (0 picks a free port), not ${JSON.stringify(port)}`,
      );
    });
  }

  for (const seconds of ['0', '-1', 'abc', '', '3601', '1e3', 'Infinity']) {
    it(`refuses SHUTDOWN_TIMEOUT=${JSON.stringify(seconds)}, saying what it should be`, () => {
      expect(() => baseSettings({ SHUTDOWN_TIMEOUT: seconds })).to.throw(
        `SHUTDOWN_TIMEOUT must be a number of seconds above 0 and at most 3600, such as SHUTDOWN_TIMEOUT=10, not ${JSON.stringify(seconds)}`,
      );
    });
  }

  it('reads SHUTDOWN_TIMEOUT in whole or part seconds, up to an hour', () => {
    for (const [value, seconds] of [
      ['12', 12],
      ['0.25', 0.25],
      ['3600', 3600],
    ] as const) {
      expect(baseSettings({ SHUTDOWN_TIMEOUT: value }).shutdownTimeout).to.equal(seconds);
    }
  });

  it('reads "false" as false for SECURE_COOKIES and TRUST_PROXY', () => {
    const settings = baseSettings({ SECURE_COOKIES: 'false', TRUST_PROXY: 'false' });
    expect(settings).to.include({ secureCookies: false, trustProxy: false });
  });

  it('refuses SECURE_COOKIES=true without PUBLIC_URL, the address to redirect plain HTTP to', () => {
    expect(() => baseSettings({ SECURE_COOKIES: 'true', TRUST_PROXY: 'true' })).to.throw(
      "SECURE_COOKIES=true needs PUBLIC_URL, the site's https:// address, such as PUBLIC_URL=https://shop.example",
    );
  });

  for (const value of [
    'http://shop.example',
    'https://shop.example/shop',
    'https://shop.example/?a=1',
    'https://shop.example/#top',
    'https://me@shop.example',
    'shop.example',
    '',
  ]) {
    it(`refuses PUBLIC_URL=${JSON.stringify(value)}, showing an https:// address with no path`, () => {
      expect(() => baseSettings({ ...https, PUBLIC_URL: value })).to.throw(
        `PUBLIC_URL must be the site's https:// address with no path, such as PUBLIC_URL=https://shop.example, not ${JSON.stringify(value)}`,
      );
    });
  }

  for (const name of ['SECURE_COOKIES', 'TRUST_PROXY']) {
    for (const value of ['TRUE', 'yes', '1', '', 'true ']) {
      it(`refuses ${name}=${JSON.stringify(value)}, naming the values it accepts`, () => {
        expect(() => baseSettings({ ...https, [name]: value })).to.throw(
          `${name} must be "true" or "false" (unset means false), not ${JSON.stringify(value)}`,
        );
      });
    }
  }
});

describe('sessionKeys', () => {
  it('reads SESSION_KEYS as a comma-separated list, newest first', () => {
    expect(sessionKeys({ SESSION_KEYS: ' newest , older,' }, quiet)).to.deep.equal([
      'newest',
      'older',
    ]);
  });

  it('uses the public development key in development, and says so', () => {
    const warnings: string[] = [];
    expect(sessionKeys({}, (message) => warnings.push(message))).to.deep.equal([
      DEV_SESSION_KEY,
    ]);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.contain('SESSION_KEYS is not set');
  });

  it('says nothing when SESSION_KEYS is set', () => {
    const warnings: string[] = [];
    sessionKeys({ SESSION_KEYS: 'secret' }, (message) => warnings.push(message));
    expect(warnings).to.deep.equal([]);
  });

  it('refuses to run in production without SESSION_KEYS, and says how to make one', () => {
    expect(() => sessionKeys({ NODE_ENV: 'production' }, quiet)).to.throw(
      /SESSION_KEYS must be set .*randomBytes/,
    );
  });

  it('refuses to run without SESSION_KEYS anywhere but development and test', () => {
    expect(() => sessionKeys({ NODE_ENV: 'staging' }, quiet)).to.throw(
      'SESSION_KEYS must be set when NODE_ENV is "staging"',
    );
    expect(sessionKeys({ NODE_ENV: 'test' }, quiet)).to.deep.equal([DEV_SESSION_KEY]);
  });

  it('refuses the development key in production', () => {
    expect(() =>
      sessionKeys({ NODE_ENV: 'production', SESSION_KEYS: DEV_SESSION_KEY }, quiet),
    ).to.throw('SESSION_KEYS must be set when NODE_ENV is "production"');
  });
});

describe('workersFrom', () => {
  it('reads WORKERS as a number of processes, or "auto" for one per CPU core; unset is 1', () => {
    expect(workersFrom(undefined)).to.equal(1);
    expect(workersFrom('2')).to.equal(2);
    expect(workersFrom(String(MAX_WORKERS))).to.equal(MAX_WORKERS);
    expect(workersFrom('auto')).to.equal(Math.min(availableParallelism(), MAX_WORKERS));
  });

  for (const workers of ['0', '-1', '1.5', 'two', '', 'AUTO', String(MAX_WORKERS + 1)]) {
    it(`refuses WORKERS=${JSON.stringify(workers)}, saying what it accepts`, () => {
      expect(() => workersFrom(workers)).to.throw(
        `WORKERS must be a whole number from 1 to ${MAX_WORKERS}, or "auto" (one per CPU core), such as WORKERS=2, not ${JSON.stringify(workers)}`,
      );
    });
  }
});

describe('the generic readers', () => {
  it('pathFrom reads a path relative to the folder the server starts in, else the default', () => {
    expect(pathFrom('notes/notice.txt', '/default')).to.equal(resolve('notes/notice.txt'));
    expect(pathFrom('/srv/notice.txt', '/default')).to.equal(resolve('/srv/notice.txt'));
    expect(pathFrom(undefined, '/default')).to.equal('/default');
    expect(pathFrom('', '/default')).to.equal('/default');
  });

  it('shownPath shows a path inside the folder the server starts in as relative, others in full', () => {
    expect(shownPath(resolve('data/site.sqlite'))).to.equal(join('data', 'site.sqlite'));
    expect(shownPath(resolve('..', 'site.sqlite'))).to.equal(resolve('..', 'site.sqlite'));
    expect(shownPath(resolve('..data', 'site.sqlite'))).to.equal(join('..data', 'site.sqlite'));
  });

  it('secondsFrom names the setting and its default in the message', () => {
    expect(secondsFrom('PRUNE_EVERY', undefined, 60)).to.equal(60);
    expect(() => secondsFrom('PRUNE_EVERY', 'soon', 60)).to.throw(
      'PRUNE_EVERY must be a number of seconds above 0 and at most 3600, such as PRUNE_EVERY=60, not "soon"',
    );
  });

  it('switchFrom reads exactly "true" or "false", unset meaning false', () => {
    expect(switchFrom('X', 'true')).to.equal(true);
    expect(switchFrom('X', 'false')).to.equal(false);
    expect(switchFrom('X', undefined)).to.equal(false);
    expect(() => switchFrom('X', 'on')).to.throw('X must be "true" or "false"');
  });
});
