import { expect } from 'chai';
import { createApp } from '../src/app.ts';
import { DEV_SESSION_KEY, loadConfig } from '../src/config.ts';

// loadConfig reads a plain object, so these tests pass one instead of touching process.env.
const quiet = () => {};
// The HTTPS settings, all of them valid.
const https = {
  SECURE_COOKIES: 'true',
  TRUST_PROXY: 'true',
  PUBLIC_URL: 'https://shop.example',
};

describe('loadConfig', () => {
  it('has defaults for everything, the development key among them', () => {
    expect(loadConfig({}, quiet)).to.deep.equal({
      env: 'development',
      port: 6543,
      shutdownTimeout: 10,
      keys: [DEV_SESSION_KEY],
      secureCookies: false,
      trustProxy: false,
      publicUrl: undefined,
    });
  });

  it('reads NODE_ENV, PORT, SHUTDOWN_TIMEOUT and the HTTPS settings', () => {
    const config = loadConfig(
      {
        NODE_ENV: 'production',
        PORT: '8080',
        SHUTDOWN_TIMEOUT: '2.5',
        SESSION_KEYS: 'secret',
        SECURE_COOKIES: 'true',
        TRUST_PROXY: 'true',
        PUBLIC_URL: 'https://shop.example:8443/',
      },
      quiet,
    );
    expect(config).to.deep.equal({
      env: 'production',
      port: 8080,
      shutdownTimeout: 2.5,
      keys: ['secret'],
      secureCookies: true,
      trustProxy: true,
      publicUrl: 'https://shop.example:8443',
    });
  });

  it('reads SESSION_KEYS as a comma-separated list, newest first', () => {
    const { keys } = loadConfig({ SESSION_KEYS: ' newest , older,' }, quiet);
    expect(keys).to.deep.equal(['newest', 'older']);
  });

  it('uses the public development key in development, and says so', () => {
    const warnings: string[] = [];
    const { keys } = loadConfig({}, (message) => warnings.push(message));
    expect(keys).to.deep.equal([DEV_SESSION_KEY]);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.contain('SESSION_KEYS is not set');
  });

  it('refuses to run in production without SESSION_KEYS, and says how to make one', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' }, quiet)).to.throw(
      /SESSION_KEYS must be set .*randomBytes/,
    );
  });

  it('refuses to run without SESSION_KEYS anywhere but development and test', () => {
    expect(() => loadConfig({ NODE_ENV: 'staging' }, quiet)).to.throw(
      'SESSION_KEYS must be set when NODE_ENV is "staging"',
    );
    expect(loadConfig({ NODE_ENV: 'test' }, quiet).keys).to.deep.equal([DEV_SESSION_KEY]);
  });

  it('refuses the development key in production', () => {
    expect(() =>
      loadConfig({ NODE_ENV: 'production', SESSION_KEYS: DEV_SESSION_KEY }, quiet),
    ).to.throw('SESSION_KEYS must be set when NODE_ENV is "production"');
  });

  it('refuses secure cookies without a trusted proxy, which would fail every request', () => {
    expect(() => loadConfig({ SECURE_COOKIES: 'true' }, quiet)).to.throw(
      'SECURE_COOKIES=true needs TRUST_PROXY=true',
    );
  });

  it('accepts every port from 0 (any free port) to 65535', () => {
    expect(loadConfig({ PORT: '0' }, quiet).port).to.equal(0);
    expect(loadConfig({ PORT: '65535' }, quiet).port).to.equal(65535);
  });

  for (const port of ['abc', '99999', '65536', '', ' 8080', '-1', '80.5', '1e3', '0x50']) {
    it(`refuses PORT=${JSON.stringify(port)}, saying what a port looks like`, () => {
      expect(() => loadConfig({ PORT: port }, quiet)).to.throw(
        `PORT must be a whole number from 0 to 65535, such as PORT=8080 (0 picks a free port), not ${JSON.stringify(port)}`,
      );
    });
  }

  for (const seconds of ['0', '-1', 'abc', '', '3601', '1e3', 'Infinity']) {
    it(`refuses SHUTDOWN_TIMEOUT=${JSON.stringify(seconds)}, saying what it should be`, () => {
      expect(() => loadConfig({ SHUTDOWN_TIMEOUT: seconds }, quiet)).to.throw(
        `SHUTDOWN_TIMEOUT must be a number of seconds above 0 and at most 3600, such as SHUTDOWN_TIMEOUT=10, not ${JSON.stringify(seconds)}`,
      );
    });
  }

  it('reads "false" as false for SECURE_COOKIES and TRUST_PROXY', () => {
    const config = loadConfig({ SECURE_COOKIES: 'false', TRUST_PROXY: 'false' }, quiet);
    expect(config).to.include({ secureCookies: false, trustProxy: false });
  });

  it('refuses SECURE_COOKIES=true without PUBLIC_URL, the address to redirect plain HTTP to', () => {
    expect(() => loadConfig({ SECURE_COOKIES: 'true', TRUST_PROXY: 'true' }, quiet)).to.throw(
      "SECURE_COOKIES=true needs PUBLIC_URL, the site's https:// address, such as PUBLIC_URL=https://shop.example",
    );
  });

  for (const value of [
    'http://shop.example',
    'https://shop.example/shop',
    'https://shop.example/?a=1',
    'shop.example',
    '',
  ]) {
    it(`refuses PUBLIC_URL=${JSON.stringify(value)}, showing an https:// address with no path`, () => {
      expect(() => loadConfig({ ...https, PUBLIC_URL: value }, quiet)).to.throw(
        `PUBLIC_URL must be the site's https:// address with no path, such as PUBLIC_URL=https://shop.example, not ${JSON.stringify(value)}`,
      );
    });
  }

  for (const name of ['SECURE_COOKIES', 'TRUST_PROXY']) {
    for (const value of ['TRUE', 'yes', '1', '', 'true ']) {
      it(`refuses ${name}=${JSON.stringify(value)}, naming the values it accepts`, () => {
        expect(() => loadConfig({ ...https, [name]: value }, quiet)).to.throw(
          `${name} must be "true" or "false" (unset means false), not ${JSON.stringify(value)}`,
        );
      });
    }
  }

  it('gives, with nothing set, a development configuration that builds an app', () => {
    expect(() => createApp(loadConfig({}, quiet))).to.not.throw();
  });

  it('reads SHUTDOWN_TIMEOUT in whole or part seconds, up to an hour', () => {
    for (const [value, seconds] of [
      ['12', 12],
      ['0.25', 0.25],
      ['3600', 3600],
    ] as const) {
      expect(loadConfig({ SHUTDOWN_TIMEOUT: value }, quiet).shutdownTimeout).to.equal(seconds);
    }
  });
});
