import { expect } from 'chai';
import type { Context } from 'koa';
import { MAX_ITEM_LENGTH, MAX_ITEMS } from '../src/cart.ts';
import { TutorialViews } from '../src/views.ts';

// Unit tests: the view class alone, with a minimal fake context whose session is a
// plain object, and no HTTP.
const fakeContext = (session: object | null = {}, body: object = {}) =>
  ({
    session,
    request: { body },
    redirect(url: string) {
      Object.assign(this, { location: url });
    },
    throw(status: number, message: string) {
      throw Object.assign(new Error(message), { status });
    },
  }) as unknown as Context & { location?: string; status?: number };

describe('TutorialViews', () => {
  it('keeps the context it was made with', () => {
    const ctx = fakeContext();
    expect(new TutorialViews(ctx).ctx).to.equal(ctx);
  });

  it('home() returns the Home View data with the cart', () => {
    expect(new TutorialViews(fakeContext({ items: ['tea'] })).home()).to.deep.equal({
      name: 'Home View',
      items: ['tea'],
      maxItemLength: MAX_ITEM_LENGTH,
    });
    expect(new TutorialViews(fakeContext()).home()).to.include({ name: 'Home View' });
  });

  it('hello() returns the Hello View data', () => {
    expect(new TutorialViews(fakeContext()).hello()).to.deep.equal({ name: 'Hello View' });
  });

  it('counter starts at 1 and counts each read in the session', () => {
    const session = {};
    const view = new TutorialViews(fakeContext(session));
    expect(view.counter).to.equal(1);
    expect(view.counter).to.equal(2);
    expect(session).to.deep.equal({ counter: 2 });
  });

  it('counter continues from the session of an earlier request', () => {
    expect(new TutorialViews(fakeContext({ counter: 41 })).counter).to.equal(42);
  });

  it('counter says what is missing when there is no session', () => {
    expect(() => new TutorialViews(fakeContext(null)).counter).to.throw(
      TypeError,
      'install the session middleware',
    );
  });

  it('popMessages() empties both queues, so a second call finds nothing', () => {
    const session = { flash: { info: ['Added'], error: ['Oops'] } };
    const view = new TutorialViews(fakeContext(session));
    expect(view.popMessages()).to.deep.equal({ error: ['Oops'], info: ['Added'] });
    expect(view.popMessages()).to.deep.equal({ error: [], info: [] });
    expect(session).to.deep.equal({});
  });

  it('csrfToken is made once per session and then reused', () => {
    const session = {};
    const token = new TutorialViews(fakeContext(session)).csrfToken;
    expect(token).to.match(/^[\w-]{43}$/);
    expect(new TutorialViews(fakeContext(session)).csrfToken).to.equal(token);
  });

  describe('addItem()', () => {
    it('adds the trimmed item, flashes it, and redirects to / with 303', () => {
      const session: { items?: string[]; flash?: object } = {};
      const ctx = fakeContext(session, { item: '  tea ' });
      new TutorialViews(ctx).addItem();
      expect(session.items).to.deep.equal(['tea']);
      expect(session.flash).to.deep.equal({ info: ['Added “tea” to your cart.'] });
      expect([ctx.status, ctx.location]).to.deep.equal([303, '/']);
    });

    for (const [why, body, session, message] of [
      ['an empty item', { item: '   ' }, {}, 'Enter an item to add.'],
      ['a missing item', {}, {}, 'Enter an item to add.'],
      [
        'an item that is too long',
        { item: 'x'.repeat(MAX_ITEM_LENGTH + 1) },
        {},
        'at most 100 characters',
      ],
      [
        'an item for a full cart',
        { item: 'tea' },
        { items: Array(MAX_ITEMS).fill('x') },
        'Your cart is full',
      ],
      ['an item with a control character', { item: 'tea\u0000' }, {}, 'control characters'],
      [
        'an item that would take the cart over its size in bytes',
        { item: '茶'.repeat(MAX_ITEM_LENGTH) },
        { items: Array(4).fill('茶'.repeat(MAX_ITEM_LENGTH)) },
        'Your cart is full',
      ],
    ] as const) {
      it(`adds nothing for ${why}, flashes an error, and redirects`, () => {
        const before = structuredClone(session) as {
          items?: string[];
          flash?: { error?: string[] };
        };
        const ctx = fakeContext(before, body);
        new TutorialViews(ctx).addItem();
        expect(before.items).to.deep.equal((session as { items?: string[] }).items);
        expect(before.flash?.error?.[0]).to.contain(message);
        expect([ctx.status, ctx.location]).to.deep.equal([303, '/']);
      });
    }

    it('refuses an item that is not text with 400', () => {
      const session = {};
      expect(() => new TutorialViews(fakeContext(session, { item: ['a', 'b'] })).addItem())
        .to.throw('Send one item')
        .with.property('status', 400);
      expect(session).to.deep.equal({});
    });
  });
});
