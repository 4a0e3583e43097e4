import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../src/app.ts';
import { testDatabase } from './helpers/database.ts';

// In secure-cookie mode, plain HTTP gets a clear answer instead of a page (and never a 500).
const secure = (proxy: { trustProxy?: boolean } = { trustProxy: true }) =>
  request(
    createApp({
      env: 'test',
      db: testDatabase(),
      keys: ['test key'],
      secureCookies: true,
      ...proxy,
    }).callback(),
  );

describe('secure-cookie mode', () => {
  it('redirects a page load over plain HTTP to the same address over HTTPS, setting no cookie', async () => {
    const res = await secure().get('/howdy?x=1').set('Host', 'shop.example').expect(308);
    expect(res.headers.location).to.equal('https://shop.example/howdy?x=1');
    expect(res.headers['set-cookie']).to.equal(undefined);
    await secure().head('/').expect(308);
  });

  it('refuses any other method over plain HTTP with 403, saying to use HTTPS', async () => {
    const res = await secure().post('/').expect(403);
    expect(res.text).to.contain('This site works over HTTPS only');
  });

  it('serves pages over HTTPS, as the trusted proxy reports it', async () => {
    await secure().get('/').set('X-Forwarded-Proto', 'https').expect(200);
  });

  it('does not believe X-Forwarded-Proto unless told to trust the proxy', async () => {
    await secure({}).get('/').set('X-Forwarded-Proto', 'https').expect(308);
  });
});
