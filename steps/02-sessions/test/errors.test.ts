import { expect } from 'chai';
import Koa from 'koa';
import request from 'supertest';
import { errorPages } from '../src/errors.ts';
import { createRenderer } from '../src/render.ts';

// The error-page middleware on its own, in a tiny app whose only route fails.
function failingApp(error: unknown) {
  const app = new Koa();
  const logged: unknown[] = [];
  app.on('error', (err) => logged.push(err));
  app.use(errorPages(createRenderer({ cache: false })));
  app.use((ctx) => {
    ctx.set('Cache-Control', 'public, max-age=86400'); // set before failing: must not reach the error page
    throw error;
  });
  return { app, logged };
}

describe('errorPages', () => {
  it('renders a server error as a 500 page that keeps its message out of the response', async () => {
    const { app, logged } = failingApp(new Error('database password is hunter2'));
    const res = await request(app.callback()).get('/').expect(500).expect('Content-Type', /html/);
    expect(res.text).to.contain('<h1>500 Internal Server Error</h1>');
    expect(res.text).to.not.contain('hunter2');
    expect(res.headers['cache-control']).to.equal(undefined);
    expect(logged).to.have.length(1);
  });

  it('renders a client error with its own status and message, escaped', async () => {
    const error = Object.assign(new Error('Item <b>too</b> long'), { status: 400, expose: true });
    const { app, logged } = failingApp(error);
    const res = await request(app.callback()).get('/').expect(400);
    expect(res.text).to.contain('<h1>400 Bad Request</h1>');
    expect(res.text).to.contain('Item &lt;b&gt;too&lt;/b&gt; long');
    expect(logged).to.have.length(0);
  });
});
