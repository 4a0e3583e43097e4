import { expect } from 'chai';
import { loadConfig } from '../src/config.ts';

// loadConfig reads a plain object, so these tests pass one instead of touching process.env.
describe('loadConfig', () => {
  it('has defaults for everything', () => {
    expect(loadConfig({})).to.deep.equal({
      env: 'development',
      port: 6543,
      shutdownTimeout: 10,
    });
  });

  it('reads NODE_ENV, PORT and SHUTDOWN_TIMEOUT', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      PORT: '8080',
      SHUTDOWN_TIMEOUT: '2.5',
    });
    expect(config).to.deep.equal({ env: 'production', port: 8080, shutdownTimeout: 2.5 });
  });

  it('accepts every port from 0 (any free port) to 65535', () => {
    expect(loadConfig({ PORT: '0' }).port).to.equal(0);
    expect(loadConfig({ PORT: '65535' }).port).to.equal(65535);
  });

  for (const port of ['abc', '99999', '65536', '', ' 8080', '-1', '80.5', '1e3', '0x50']) {
    it(`refuses PORT=${JSON.stringify(port)}, saying what a port looks like`, () => {
      expect(() => loadConfig({ PORT: port })).to.throw(
        `PORT must be a whole number from 0 to 65535, such as PORT=8080 (0 picks a free port), not ${JSON.stringify(port)}`,
      );
    });
  }

  for (const seconds of ['0', '-1', 'abc', '', '3601', '1e3', 'Infinity']) {
    it(`refuses SHUTDOWN_TIMEOUT=${JSON.stringify(seconds)}, saying what it should be`, () => {
      expect(() => loadConfig({ SHUTDOWN_TIMEOUT: seconds })).to.throw(
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
      expect(loadConfig({ SHUTDOWN_TIMEOUT: value }).shutdownTimeout).to.equal(seconds);
    }
  });
});
