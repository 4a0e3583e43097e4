import { once } from 'node:events';
import { createServer } from 'node:http';
import type { RequestListener, Server } from 'node:http';
import { expect } from 'chai';
import request from 'supertest';
import type { Agent } from 'supertest';
import { createApp } from '../src/app.ts';
import { sessionSetCookie } from './helpers/cookies.ts';
import { addItem, cart, csrfFrom, flashes } from './helpers/forms.ts';

// Functional tests of the form, the cart and the flash messages, over real HTTP with
// real cookies. Each test makes its own visitor; none depends on another's order.
const app = () => createApp({ env: 'test', keys: ['test key'] }).callback();

// For a test of many requests: a server that listens until the test ends, so that they
// all go to it, instead of supertest starting and stopping one for each request.
const servers = new Set<Server>();
async function listening(app: RequestListener) {
  const server = createServer(app).listen(0, '127.0.0.1');
  servers.add(server);
  await once(server, 'listening');
  return server;
}

describe('POST /items', () => {
  afterEach(() => {
    servers.forEach((server) => server.close().closeAllConnections());
    servers.clear();
  });

  it('adds the item and answers 303 See Other to /', async () => {
    const visitor = request.agent(app());
    const res = await addItem(visitor, 'tea');
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/');
    expect(cart(await visitor.get('/'))).to.deep.equal(['tea']);
  });

  it('shows its message on the next page only', async () => {
    const visitor = request.agent(app());
    await addItem(visitor, 'tea');
    expect(flashes(await visitor.get('/'))).to.deep.equal(['info: Added “tea” to your cart.']);
    expect(flashes(await visitor.get('/'))).to.deep.equal([]);
  });

  it('shows its message on whichever page comes next, even /howdy', async () => {
    const visitor = request.agent(app());
    await addItem(visitor, 'tea');
    expect(flashes(await visitor.get('/howdy'))).to.deep.equal([
      'info: Added “tea” to your cart.',
    ]);
    expect(flashes(await visitor.get('/'))).to.deep.equal([]);
  });

  it('keeps two messages in the order they were queued', async () => {
    const visitor = request.agent(app());
    const token = csrfFrom(await visitor.get('/'));
    await visitor.post('/items').type('form').send({ _csrf: token, item: 'tea' });
    await visitor.post('/items').type('form').send({ _csrf: token, item: 'milk' });
    expect(flashes(await visitor.get('/'))).to.deep.equal([
      'info: Added “tea” to your cart.',
      'info: Added “milk” to your cart.',
    ]);
  });

  it('adds nothing for an empty item, and shows an error', async () => {
    const visitor = request.agent(app());
    const res = await addItem(visitor, '   ');
    expect([res.status, res.headers.location]).to.deep.equal([303, '/']);
    const page = await visitor.get('/');
    expect(flashes(page)).to.deep.equal(['error: Enter an item to add.']);
    expect(cart(page)).to.deep.equal([]);
  });

  it('adds nothing for an item over 100 characters, and shows an error', async () => {
    const visitor = request.agent(app());
    await addItem(visitor, 'x'.repeat(101));
    const page = await visitor.get('/');
    expect(flashes(page)).to.deep.equal(['error: An item can be at most 100 characters long.']);
    expect(cart(page)).to.deep.equal([]);
  });

  it('shows markup in an item as text, in the cart and in the message', async () => {
    const visitor = request.agent(app());
    await addItem(visitor, '<script>alert(1)</script>');
    const page = await visitor.get('/');
    expect(page.text).to.not.contain('<script>');
    expect(cart(page)).to.deep.equal(['&lt;script&gt;alert(1)&lt;/script&gt;']);
    expect(flashes(page)).to.deep.equal([
      'info: Added “&lt;script&gt;alert(1)&lt;/script&gt;” to your cart.',
    ]);
  });

  // #region cookie-size
  it('keeps the session cookie under 4,096 bytes, whatever a visitor posts and in any order', async function () {
    this.timeout(20_000); // 200 requests: on a busy machine, more than mocha's default 2 s
    // A seeded random visitor: mostly long multibyte items, posted without loading the
    // page that would show (and so remove) their messages; once in a while, a page view.
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const pick = <T>(choices: T[]) => choices[Math.floor(random() * choices.length)];
    const visitor = request.agent(await listening(app()));
    const token = csrfFrom(await visitor.get('/'));
    let largest = 0;
    for (let step = 0; step < 200; step += 1) {
      const res =
        random() < 0.02
          ? await visitor.get(pick(['/', '/howdy']))
          : await visitor
              .post('/items')
              .type('form')
              .send({
                _csrf: token,
                item: pick(['茶', '😀', 'x', ' ']).repeat(Math.ceil(random() * 110)),
              });
      const cookie = sessionSetCookie(res);
      if (cookie) largest = Math.max(largest, cookie.split(';')[0].length);
    }
    expect(largest).to.be.above(2500).and.below(4096);
  });
  // #endregion cookie-size

  it('never shows one visitor the message or cart of another', async () => {
    const server = app();
    await addItem(request.agent(server), 'secret gift');
    const other = await request.agent(server).get('/');
    expect(flashes(other)).to.deep.equal([]);
    expect(cart(other)).to.deep.equal([]);
  });
});

describe('POST /items without the form’s CSRF token', () => {
  for (const [why, token] of [
    ['with no token', undefined],
    ['with a wrong token', 'not-the-token'],
  ] as const) {
    it(`is refused ${why} with 403, and changes nothing`, async () => {
      const visitor = request.agent(app());
      await addItem(visitor, 'tea');
      await visitor.get('/'); // shows (and uses up) the message about tea
      const res = await visitor
        .post('/items')
        .type('form')
        .send({ _csrf: token, item: 'forged' });
      expect(res.status).to.equal(403);
      expect(res.text).to.contain('did not come from this site');
      const page = await visitor.get('/');
      expect(cart(page)).to.deep.equal(['tea']);
      expect(flashes(page)).to.deep.equal([]);
    });
  }

  it('is refused for a token of the right length in other characters, with 403 (not 500)', async () => {
    const visitor = request.agent(app());
    const token = csrfFrom(await visitor.get('/'));
    const lookalike = 'é' + token.slice(1); // same length in characters, not in bytes
    await visitor
      .post('/items')
      .type('form')
      .send({ _csrf: lookalike, item: 'forged' })
      .expect(403);
  });

  it('is refused for a visitor with no session and no token', async () => {
    await request(app()).post('/items').type('form').send({ item: 'forged' }).expect(403);
  });

  it('is refused for a visitor with no session at all', async () => {
    await request(app())
      .post('/items')
      .type('form')
      .send({ _csrf: 'anything', item: 'forged' })
      .expect(403);
  });

  it('is refused with another visitor’s token', async () => {
    const server = app();
    const attacker = request.agent(server);
    const token = csrfFrom(await attacker.get('/'));
    const victim = request.agent(server);
    await victim.get('/');
    await victim.post('/items').type('form').send({ _csrf: token, item: 'forged' }).expect(403);
    expect(cart(await victim.get('/'))).to.deep.equal([]);
  });
});

describe('POST /items with a body the app cannot use', () => {
  // The form parser's answers are the platform's (shared/platform); what matters here is
  // that a refused form changes nothing in the cart.
  for (const [what, status, send] of [
    [
      'a body over the limit',
      413,
      (v: Agent, token: string) =>
        v
          .post('/items')
          .type('form')
          .send({ _csrf: token, item: 'x'.repeat(5000) }),
    ],
    [
      'a body that cannot be decoded',
      400,
      (v: Agent) =>
        v
          .post('/items')
          .set('Content-Type', 'application/x-www-form-urlencoded')
          .set('Content-Encoding', 'gzip')
          .send('item=not really gzip'),
    ],
    ['JSON', 415, (v: Agent) => v.post('/items').send({ item: 'milk' })],
  ] as const) {
    it(`answers ${status} for ${what}, and loses nothing`, async () => {
      const visitor = request.agent(app());
      await addItem(visitor, 'tea');
      const token = csrfFrom(await visitor.get('/'));
      expect((await send(visitor, token)).status).to.equal(status);
      expect(cart(await visitor.get('/'))).to.deep.equal(['tea']);
    });
  }

  it('answers 400 for an item sent twice', async () => {
    const visitor = request.agent(app());
    const token = csrfFrom(await visitor.get('/'));
    const res = await visitor.post('/items').type('form').send(`_csrf=${token}&item=a&item=b`);
    expect(res.status).to.equal(400);
    expect(cart(await visitor.get('/'))).to.deep.equal([]);
  });

  it('answers 405 to GET /items, allowing POST', async () => {
    const res = await request(app()).get('/items').expect(405);
    expect(res.headers.allow).to.contain('POST');
  });
});
