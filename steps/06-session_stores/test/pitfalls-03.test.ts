import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type Koa from 'koa';
import request from 'supertest';
import { createApp } from '../src/app.ts';
import { testDatabase } from './helpers/database.ts';
import { overlapping } from './helpers/overlapping.ts';
import * as currentRequest from '../pitfalls/current-request.ts';
import * as globalFlash from '../pitfalls/global-flash.ts';
import * as stateFlash from '../pitfalls/state-flash.ts';
import { cookieHeader } from './helpers/cookies.ts';
import { addItem, csrfFrom, flashes } from './helpers/forms.ts';

// Each pitfall: a test that shows the naive variant in pitfalls/ misbehaving, and the
// same story told to this step's app showing it does not.
const app = () => createApp({ env: 'test', db: testDatabase(), keys: ['test key'] }).callback();
const keys = ['test key'];

// #region pitfall-1
describe('step 03, pitfall 1: a module-level lastMessage', () => {
  it('naive: the message goes to whichever visitor loads a page next', async () => {
    const server = globalFlash.createApp().callback();
    const alice = request.agent(server);
    const bob = request.agent(server);
    await alice.post('/items').type('form').send({ item: 'a gift for Bob' }).expect(303);
    await bob.get('/').expect('Added “a gift for Bob” to your cart.'); // Bob loaded a page first
    await alice.get('/').expect('No messages.');
  });

  it('this step: each visitor sees their own message, whoever loads a page first', async () => {
    const server = app();
    const alice = request.agent(server);
    const bob = request.agent(server);
    await addItem(alice, 'a gift for Bob');
    expect(flashes(await bob.get('/'))).to.deep.equal([]);
    expect(flashes(await alice.get('/'))).to.deep.equal([
      'info: Added “a gift for Bob” to your cart.',
    ]);
  });
});
// #endregion pitfall-1

// #region pitfall-2
describe('step 03, pitfall 2: a message kept in ctx.state', () => {
  it('naive: the redirect is a new request, with a new ctx.state, and the message is lost', async () => {
    const visitor = request.agent(stateFlash.createApp().callback());
    await visitor
      .post('/items')
      .type('form')
      .send({ item: 'tea' })
      .expect(303)
      .expect('Location', '/');
    await visitor.get('/').expect('No messages.');
  });

  it('this step: the message waits in the session and survives the redirect', async () => {
    const visitor = request.agent(app());
    await addItem(visitor, 'tea');
    expect(flashes(await visitor.get('/'))).to.deep.equal(['info: Added “tea” to your cart.']);
  });
});
// #endregion pitfall-2

// #region pitfall-3
describe('step 03, pitfall 3: a "current request" global', () => {
  // Alice and Bob submit at the same moment; both requests wait on the save at once.
  async function bothSubmit(server: ReturnType<Koa['callback']>) {
    const alice = request.agent(server);
    const bob = request.agent(server);
    await Promise.all([
      alice.post('/items').type('form').send({ item: 'tea' }),
      bob.post('/items').type('form').send({ item: 'milk' }),
    ]);
    return { alice: (await alice.get('/')).text, bob: (await bob.get('/')).text };
  }

  it('naive: after an await, one visitor’s message lands in the other’s session', async () => {
    const seen = await bothSubmit(
      currentRequest.createApp({ keys, save: overlapping(2) }).callback(),
    );
    // Whoever arrived second is "current" when both resume: they get both messages.
    expect([seen.alice, seen.bob]).to.include('No messages.');
    expect(seen.alice + seen.bob)
      .to.contain('Added “tea”')
      .and.contain('Added “milk”');
  });

  it('break glass: with AsyncLocalStorage, app.currentContext stays right after an await', async () => {
    const seen = await bothSubmit(
      currentRequest.createAsyncLocalStorageApp({ keys, save: overlapping(2) }).callback(),
    );
    expect(seen).to.deep.equal({
      alice: 'Added “tea” to your cart.',
      bob: 'Added “milk” to your cart.',
    });
  });

  // Alice's browser sends her form's headers, then stalls before the body; Bob's whole
  // request runs meanwhile. Any "current request" kept outside ctx would be Bob's when
  // Alice's handler resumes.
  it('this step: ctx is passed explicitly, so a visitor whose form arrives last still gets their own message', async () => {
    const server = createApp({ env: 'test', db: testDatabase(), keys }).listen(0, '127.0.0.1');
    try {
      await once(server, 'listening');
      const { port } = server.address() as AddressInfo;
      const alicePage = await request(server).get('/');
      const body = new URLSearchParams({ _csrf: csrfFrom(alicePage), item: 'tea' }).toString();
      const alice = http.request({
        port,
        host: '127.0.0.1',
        method: 'POST',
        path: '/items',
        headers: {
          Cookie: cookieHeader(alicePage),
          'Content-Type': 'application/x-www-form-urlencoded',
          'Content-Length': Buffer.byteLength(body),
        },
      });
      const arrived = once(server, 'request'); // Koa has begun Alice's request, up to reading the body
      alice.write(body.slice(0, 5));
      await arrived;
      const bob = request.agent(server);
      await addItem(bob, 'milk');
      alice.end(body.slice(5));
      const [aliceAnswer] = (await once(alice, 'response')) as [http.IncomingMessage];
      aliceAnswer.resume();
      const aliceCookie = cookieHeader({ headers: aliceAnswer.headers } as request.Response);
      expect(flashes(await request(server).get('/').set('Cookie', aliceCookie))).to.deep.equal([
        'info: Added “tea” to your cart.',
      ]);
      expect(flashes(await bob.get('/'))).to.deep.equal(['info: Added “milk” to your cart.']);
    } finally {
      server.close();
    }
  });
});
// #endregion pitfall-3
