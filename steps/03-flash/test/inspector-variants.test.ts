import { expect } from 'chai';
import request from 'supertest';
import { asBrowser, inDevelopment, panelRow } from '@course/platform/testing/panel';
import * as currentRequest from '../pitfalls/current-request.ts';
import * as globalFlash from '../pitfalls/global-flash.ts';
import * as stateFlash from '../pitfalls/state-flash.ts';

// Each naive variant, seen in a browser as `npm run demo` serves it (no NODE_ENV, so Koa's
// env is 'development'): its state inspector names where the naive state really lives.
const inThisProcess = `a variable of this module, in this process's memory (pid ${process.pid})`;

describe('step 03, the naive variants in the state inspector', () => {
  it('current-request: "the" request is a variable in this process’s memory', async () => {
    const server = inDevelopment(() => currentRequest.createApp({ keys: ['test key'] }));
    await request(server).get('/').expect('No messages.'); // curl's plain text, as it was
    const res = await asBrowser(server).expect(200);
    expect(panelRow(res.text, 'currentCtx')).to.deep.equal({
      what: 'currentCtx',
      value: '"GET /: this request"',
      where: inThisProcess,
      who: 'every visitor of this process: the last request to arrive wins',
      lasts: 'until the next request arrives',
    });
  });

  it('global-flash: the message waits in a variable shared by every visitor of this process', async () => {
    const server = inDevelopment(globalFlash.createApp);
    await request(server).post('/items').type('form').send({ item: 'tea' }).expect(303);
    const bob = await asBrowser(server).expect(200);
    expect(panelRow(bob.text, 'lastMessage')).to.deep.include({
      value: '"Added “tea” to your cart."',
      where: inThisProcess,
      who: 'every visitor of this process: whoever loads a page first takes it',
    });
    await request(server).get('/').expect('No messages.'); // curl's plain text, as it was
  });

  it('state-flash: ctx.state is made new for each request, so the message is gone', async () => {
    const visitor = request.agent(inDevelopment(stateFlash.createApp));
    await visitor.post('/items').type('form').send({ item: 'tea' }).expect(303);
    const res = await asBrowser(visitor).expect(200);
    expect(res.text).to.contain('<pre class="state-page">No messages.</pre>');
    expect(panelRow(res.text, 'ctx.state.message')).to.deep.equal({
      what: 'ctx.state.message',
      value: '(none)',
      where: "ctx.state, made new for each request: the message went with the redirect's",
      who: 'this request only',
      lasts: 'until this response is sent, then wiped',
    });
  });
});
