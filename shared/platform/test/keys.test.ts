import Koa from 'koa';
import { expect } from 'chai';
import request from 'supertest';
import { requireKeys, signingKeys } from '../src/index.ts';

// An app that sets a signed cookie on GET /set and says on GET /get whether the cookie
// it got back verifies, with either kind of app.keys: a list (Koa's default, keygrip) or
// the platform's signingKeys.
function cookieApp(keys: string[], platform: boolean) {
  const app = new Koa();
  app.keys = platform ? signingKeys(keys) : keys;
  app.use((ctx) => {
    if (ctx.path === '/set') ctx.cookies.set('visit', 'value with spaces', { signed: true });
    else ctx.body = ctx.cookies.get('visit', { signed: true }) ?? 'refused';
  });
  return app.callback();
}
const cookiesOf = (res: request.Response) =>
  (res.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]).join('; ');

describe('signingKeys', () => {
  for (const [signer, checker] of [
    [true, false],
    [false, true],
  ]) {
    it(`signs as Koa's default keys do (signed by ${signer ? 'signingKeys' : 'keygrip'})`, async () => {
      const set = await request(cookieApp(['new key'], signer)).get('/set');
      const res = await request(cookieApp(['new key'], checker))
        .get('/get')
        .set('Cookie', cookiesOf(set));
      expect(res.text).to.equal('value with spaces');
    });
  }

  it('verifies with every key, signs with the first (rotation)', async () => {
    const set = await request(cookieApp(['old key'], true)).get('/set');
    const rotated = cookieApp(['new key', 'old key'], true);
    const res = await request(rotated).get('/get').set('Cookie', cookiesOf(set));
    expect(res.text).to.equal('value with spaces');
    const keys = signingKeys(['new key', 'old key']);
    expect(keys.index('data', signingKeys(['old key']).sign('data'))).to.equal(1);
    expect(keys.index('data', keys.sign('data'))).to.equal(0);
    expect(keys.verify('data', signingKeys(['retired key']).sign('data'))).to.equal(false);
  });

  it('refuses a changed value, a changed signature, and none at all', async () => {
    const keys = signingKeys(['a key']);
    const digest = keys.sign('data');
    expect(keys.index('datA', digest)).to.equal(-1);
    expect(keys.index('data', digest.slice(1) + 'x')).to.equal(-1);
    expect(keys.index('data', digest.slice(1))).to.equal(-1);
    expect(keys.index('data', undefined)).to.equal(-1);
    const set = await request(cookieApp(['a key'], true)).get('/set');
    const forged = cookiesOf(set).replace('value', 'other');
    const res = await request(cookieApp(['a key'], true))
      .get('/get')
      .set('Cookie', forged);
    expect(res.text).to.equal('refused');
  });

  it('needs at least one key, each a non-empty string', () => {
    for (const keys of [[], [''], ['a key', 5]])
      expect(() => signingKeys(keys as string[])).to.throw(TypeError, 'non-empty array');
  });
});

describe('requireKeys', () => {
  it('returns a list of non-empty strings as it is', () => {
    const keys = ['a key', 'an older key'];
    expect(requireKeys(keys)).to.equal(keys);
  });

  it("refuses anything else, in words that say what createApp's keys must be", () => {
    for (const keys of [undefined, 'a key', [], [''], ['a key', ''], ['a key', 5]])
      expect(() => requireKeys(keys)).to.throw(
        TypeError,
        'createApp: options.keys must be a non-empty array of secret strings',
      );
  });
});
