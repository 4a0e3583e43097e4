import { expect } from 'chai';
import Koa from 'koa';
import request from 'supertest';
import { createRenderer, errorPages } from '../src/index.ts';
import { VIEWS } from './fixtures/app.ts';

// The error-page middleware on its own, in a tiny app whose only route fails.
function failingApp(error: unknown) {
  const app = new Koa();
  const logged: unknown[] = [];
  app.on('error', (err) => logged.push(err));
  app.use(errorPages(createRenderer({ cache: false, views: VIEWS })));
  app.use((ctx) => {
    ctx.set('Cache-Control', 'public, max-age=86400'); // set before failing: must not reach the error page
    throw error;
  });
  return { app, logged };
}

describe('errorPages', () => {
  it('renders a server error as a 500 page that keeps its message out of the response', async () => {
    const { app, logged } = failingApp(new Error('database password is hunter2'));
    const res = await request(app.callback())
      .get('/')
      .expect(500)
      .expect('Content-Type', /html/);
    expect(res.text).to.contain('<h1>500 Internal Server Error</h1>');
    expect(res.text).to.not.contain('hunter2');
    expect(res.headers['cache-control']).to.equal(undefined);
    expect(logged).to.have.length(1);
  });

  it('renders a client error with its own status and message, escaped', async () => {
    const error = Object.assign(new Error('Item <b>too</b> long'), {
      status: 400,
      expose: true,
    });
    const { app, logged } = failingApp(error);
    const res = await request(app.callback()).get('/').expect(400);
    expect(res.text).to.contain('<h1>400 Bad Request</h1>');
    expect(res.text).to.contain('Item &lt;b&gt;too&lt;/b&gt; long');
    expect(logged).to.have.length(0);
  });

  it('keeps the headers an error asks for, such as Allow on a 405', async () => {
    const error = Object.assign(new Error('no'), {
      status: 405,
      expose: true,
      headers: { Allow: 'GET' },
    });
    const res = await request(failingApp(error).app.callback()).get('/').expect(405);
    expect(res.headers.allow).to.equal('GET');
  });

  // A database that is busy, a session store that is down: the visitor is told, and the
  // log still hears of it.
  for (const status of [500, 503]) {
    it(`logs a ${status} that explains itself to the visitor, and shows its message`, async () => {
      const error = Object.assign(new Error('Busy; try again.'), {
        status,
        expose: true,
        headers: { 'Retry-After': '1' },
      });
      const { app, logged } = failingApp(error);
      const res = await request(app.callback()).get('/').expect(status);
      expect(res.text).to.contain('Busy; try again.');
      expect(res.headers['retry-after']).to.equal('1');
      expect(logged).to.deep.equal([error]);
    });
  }

  for (const status of [302, 600]) {
    it(`turns an error with status ${status} (not an error status) into a 500 page`, async () => {
      const error = Object.assign(new Error('odd'), { status });
      const res = await request(failingApp(error).app.callback()).get('/').expect(500);
      expect(res.text).to.contain('<h1>500 Internal Server Error</h1>');
    });
  }

  // Statuses set without throwing: an error status with no body gets the page; any
  // status with a body of its own keeps it.
  function statusApp(status: number, body?: string) {
    const app = new Koa();
    app.use(errorPages(createRenderer({ cache: false, views: VIEWS })));
    app.use((ctx) => {
      ctx.status = status;
      if (body !== undefined) ctx.body = body;
    });
    return request(app.callback());
  }

  it('renders the page for an error status left without a body', async () => {
    const res = await statusApp(400).get('/').expect(400);
    expect(res.text).to.contain('<h1>400 Bad Request</h1>');
  });

  it('leaves a response alone that has a body of its own, or no error', async () => {
    await statusApp(418, 'short and stout').get('/').expect(418, 'short and stout');
    await statusApp(204).get('/').expect(204, '');
    await statusApp(200).get('/').expect(200, 'OK'); // Koa's own text for a bodiless 200
  });
});
