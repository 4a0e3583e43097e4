import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../src/app.ts';

// Functional tests: real HTTP requests through the app's own server (supertest
// listens on a free port for each request).
const app = () => request(createApp({ env: 'test', keys: ['test key'] }).callback());

describe('GET /', () => {
  it('greets the Home View', async () => {
    const res = await app().get('/').expect(200).expect('Content-Type', /html/);
    expect(res.text).to.contain('<h1>Hi Home View</h1>');
    expect(res.text).to.contain('<title>Quick Tutorial: Home View</title>');
  });

  it('links to the Hello View', async () => {
    const res = await app().get('/').expect(200);
    expect(res.text).to.contain('<a href="/howdy">Hello View</a>');
  });
});

describe('GET /howdy', () => {
  it('greets the Hello View', async () => {
    const res = await app().get('/howdy').expect(200).expect('Content-Type', /html/);
    expect(res.text).to.contain('<h1>Hi Hello View</h1>');
  });

  it('links back to the Home View', async () => {
    const res = await app().get('/howdy').expect(200);
    expect(res.text).to.contain('<a href="/">Home View</a>');
  });
});

describe('an unknown path', () => {
  it('gets the friendly 404 page', async () => {
    const res = await app().get('/no/such/page').expect(404).expect('Content-Type', /html/);
    expect(res.text).to.contain('<h1>404 Not Found</h1>');
    expect(res.text).to.contain('<a href="/">Back to the Home View</a>');
  });
});

describe('a known path with the wrong method', () => {
  it('gets 405 with an Allow header', async () => {
    const res = await app().post('/howdy').expect(405);
    expect(res.headers.allow).to.match(/\bGET\b/);
    expect(res.text).to.contain('<h1>405 Method Not Allowed</h1>');
  });
});

describe('HEAD /', () => {
  it('answers like GET without a body', async () => {
    const res = await app().head('/').expect(200).expect('Content-Type', /html/);
    expect(res.text).to.equal(undefined);
  });
});
