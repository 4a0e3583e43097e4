import { expect } from 'chai';
import type { Context } from 'koa';
import { MAX_ITEM_LENGTH, MAX_ITEMS } from '../src/cart.ts';
import { DatabaseUnavailable } from '@course/platform/sqlite';
import type { SiteDatabase } from '../src/db.ts';
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

// A fake database, for the view alone: it keeps the counts in memory (the functional
// tests and test/db.test.ts use real SQLite files).
function fakeDatabase() {
  const adds = new Map<string, number>();
  let visits = 0;
  return {
    adds,
    countVisit: () => ++visits,
    visits: () => visits,
    countAdd: (item: string) => void adds.set(item, (adds.get(item) ?? 0) + 1),
    popular: () => [...adds].map(([item, n]) => ({ item, adds: n })),
    home: (table: string) => ({
      where: `the ${table} table`,
      who: 'everyone',
      lasts: 'for good',
    }),
    close() {},
  } satisfies SiteDatabase & { adds: Map<string, number> };
}
const viewOf = (ctx: Context, db: SiteDatabase = fakeDatabase()) => new TutorialViews(ctx, db);

describe('TutorialViews', () => {
  it('keeps the context it was made with', () => {
    const ctx = fakeContext();
    expect(viewOf(ctx).ctx).to.equal(ctx);
  });

  it('home() returns the Home View data with the cart and what is popular', () => {
    const db = fakeDatabase();
    db.countAdd('cake');
    expect(viewOf(fakeContext({ items: ['tea'] }), db).home()).to.deep.equal({
      name: 'Home View',
      items: ['tea'],
      maxItemLength: MAX_ITEM_LENGTH,
      popular: [{ item: 'cake', adds: 1 }],
    });
    expect(viewOf(fakeContext()).home()).to.include({ name: 'Home View' });
  });

  it('hello() returns the Hello View data', () => {
    expect(viewOf(fakeContext()).hello()).to.deep.equal({ name: 'Hello View' });
  });

  it('counter starts at 1 and counts each read in the session', () => {
    const session = {};
    const view = viewOf(fakeContext(session));
    expect(view.counter).to.equal(1);
    expect(view.counter).to.equal(2);
    expect(session).to.deep.equal({ counter: 2 });
  });

  it('counter continues from the session of an earlier request', () => {
    expect(viewOf(fakeContext({ counter: 41 })).counter).to.equal(42);
  });

  it('counter says what is missing when there is no session', () => {
    expect(() => viewOf(fakeContext(null)).counter).to.throw(
      TypeError,
      'install the session middleware',
    );
  });

  it('popMessages() empties both queues, so a second call finds nothing', () => {
    const session = { flash: { info: ['Added'], error: ['Oops'] } };
    const view = viewOf(fakeContext(session));
    expect(view.popMessages()).to.deep.equal({ error: ['Oops'], info: ['Added'] });
    expect(view.popMessages()).to.deep.equal({ error: [], info: [] });
    expect(session).to.deep.equal({});
  });

  it('csrfToken is made once per session and then reused', () => {
    const session = {};
    const token = viewOf(fakeContext(session)).csrfToken;
    expect(token).to.match(/^[\w-]{43}$/);
    expect(viewOf(fakeContext(session)).csrfToken).to.equal(token);
  });

  describe('addItem()', () => {
    it('adds the trimmed item, flashes it, and redirects to / with 303', () => {
      const session: { items?: string[]; flash?: object } = {};
      const ctx = fakeContext(session, { item: '  tea ' });
      viewOf(ctx).addItem();
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
        viewOf(ctx).addItem();
        expect(before.items).to.deep.equal((session as { items?: string[] }).items);
        expect(before.flash?.error?.[0]).to.contain(message);
        expect([ctx.status, ctx.location]).to.deep.equal([303, '/']);
      });
    }

    it('refuses an item that is not text with 400', () => {
      const session = {};
      expect(() => viewOf(fakeContext(session, { item: ['a', 'b'] })).addItem())
        .to.throw('Send one item')
        .with.property('status', 400);
      expect(session).to.deep.equal({});
    });
  });

  describe('visits', () => {
    it('counts one more page view in the database at each read', () => {
      const db = fakeDatabase();
      expect(viewOf(fakeContext(), db).visits).to.equal(1);
      expect(viewOf(fakeContext(), db).visits).to.equal(2);
    });

    it('only reads the count for a HEAD request', () => {
      const db = fakeDatabase();
      db.countVisit();
      const ctx = Object.assign(fakeContext(), { method: 'HEAD' });
      expect(viewOf(ctx, db).visits).to.equal(1);
      expect(db.visits()).to.equal(1);
    });
  });

  it('addItem() counts the item in the database, once per add', () => {
    const db = fakeDatabase();
    const session = {};
    viewOf(fakeContext(session, { item: 'tea' }), db).addItem();
    viewOf(fakeContext(session, { item: ' tea ' }), db).addItem();
    viewOf(fakeContext(session, { item: '' }), db).addItem();
    expect([...db.adds]).to.deep.equal([['tea', 2]]);
  });

  it('addItem() leaves the cart as it was when the database cannot count the add', () => {
    const db = fakeDatabase();
    db.countAdd = () => {
      throw new DatabaseUnavailable(new Error('database is locked'));
    };
    const session = { items: ['cake'] };
    expect(() => viewOf(fakeContext(session, { item: 'tea' }), db).addItem()).to.throw(
      DatabaseUnavailable,
    );
    expect(session).to.deep.equal({ items: ['cake'] });
  });
});
