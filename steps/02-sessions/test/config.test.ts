import { expect } from 'chai';
import { DEV_SESSION_KEY, loadConfig } from '../src/config.ts';

// loadConfig reads a plain object, so these tests pass one instead of touching process.env.
const quiet = () => {};

describe('loadConfig', () => {
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

  it('refuses secure cookies without a trusted proxy, which would fail every request', () => {
    expect(() => loadConfig({ SECURE_COOKIES: 'true' }, quiet)).to.throw(
      'SECURE_COOKIES=true needs TRUST_PROXY=true',
    );
  });

  it('refuses the development key in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', SESSION_KEYS: DEV_SESSION_KEY }, quiet)).to.throw(
      'SESSION_KEYS must be set when NODE_ENV is "production"',
    );
  });

  it('reads the port and the HTTPS settings, with defaults', () => {
    expect(loadConfig({}, quiet)).to.include({ port: 6543, secureCookies: false, trustProxy: false });
    const behindProxy = loadConfig({ PORT: '8080', SECURE_COOKIES: 'true', TRUST_PROXY: 'true' }, quiet);
    expect(behindProxy).to.include({ port: 8080, secureCookies: true, trustProxy: true });
  });
});
