import { expect } from 'chai';
import type Koa from 'koa';
import request from 'supertest';
import * as currentRequest from '../pitfalls/current-request.ts';
import * as globalFlash from '../pitfalls/global-flash.ts';
import * as stateFlash from '../pitfalls/state-flash.ts';

// Each naive variant, seen in a browser as `npm run demo` serves it (no NODE_ENV, so Koa's
// env is 'development'): its state inspector names where the naive state really lives.
function inDevelopment(make: () => Koa) {
  const saved = process.env.NODE_ENV;
  process.env.NODE_ENV = 'development';
  try {
    return make().callback();
  } finally {
    if (saved === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = saved;
  }
}
// The panel's rows as text: [what, value, where, who, lasts].
const rows = (html: string) =>
  [...html.matchAll(/<tr><th scope="row">(.*?)<\/tr>/g)].map(([row]) =>
    [...row.matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map(([, cell]) =>
      cell.replace(/<\/?code>/g, ''),
    ),
  );
const row = (html: string, what: string) => rows(html).find(([name]) => name === what);
const inThisProcess = `a variable of this module, in this process&#39;s memory (pid ${process.pid})`;

describe('step 03, the naive variants in the state inspector', () => {
  it('current-request: "the" request is a variable in this process’s memory', async () => {
    const server = inDevelopment(() => currentRequest.createApp({ keys: ['test key'] }));
    await request(server).get('/').expect('No messages.'); // curl's plain text, as it was
    const res = await request(server).get('/').set('Accept', 'text/html').expect(200);
    expect(row(res.text, 'currentCtx')).to.deep.equal([
      'currentCtx',
      '&quot;GET /: this request&quot;',
      inThisProcess,
      'every visitor of this process: the last request to arrive wins',
      'until the next request arrives',
    ]);
  });

  it('global-flash: the message waits in a variable shared by every visitor of this process', async () => {
    const server = inDevelopment(globalFlash.createApp);
    await request(server).post('/items').type('form').send({ item: 'tea' }).expect(303);
    const bob = await request(server).get('/').set('Accept', 'text/html').expect(200);
    expect(row(bob.text, 'lastMessage')?.slice(1, 4)).to.deep.equal([
      '&quot;Added “tea” to your cart.&quot;',
      inThisProcess,
      'every visitor of this process: whoever loads a page first takes it',
    ]);
    await request(server).get('/').expect('No messages.'); // curl's plain text, as it was
  });

  it('state-flash: ctx.state is made new for each request, so the message is gone', async () => {
    const visitor = request.agent(inDevelopment(stateFlash.createApp));
    await visitor.post('/items').type('form').send({ item: 'tea' }).expect(303);
    const res = await visitor.get('/').set('Accept', 'text/html').expect(200);
    expect(res.text).to.contain('<pre class="state-page">No messages.</pre>');
    expect(row(res.text, 'ctx.state.message')).to.deep.equal([
      'ctx.state.message',
      '(none)',
      'ctx.state, made new for each request: the message went with the redirect&#39;s',
      'this request only',
      'until this response is sent, then wiped',
    ]);
  });
});
