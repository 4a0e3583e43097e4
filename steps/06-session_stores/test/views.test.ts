import { expect } from 'chai';
import type { Context } from 'koa';
import { MAX_ITEM_LENGTH, MAX_ITEMS } from '../src/cart.ts';
import { DatabaseUnavailable } from '@course/platform/sqlite';
import type { SiteDatabase } from '../src/db.ts';
import type { SessionStore } from '../src/stores/store.ts';
import { TutorialViews } from '../src/views.ts';

// Unit tests: the view class alone, with a minimal fake context whose session is a
// plain object with the id 'visitor', and no HTTP.
const fakeContext = (session: object | null = {}, body: object = {}) =>
  ({
    session: session && Object.defineProperty(session, 'externalKey', { value: 'visitor' }),
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
    prepare: () => {
      throw new Error('the view asks the store, not the database, for sessions');
    },
    close() {},
  } satisfies SiteDatabase & { adds: Map<string, number> };
}

// A fake session store, for the view alone: only the carts, in memory, by session id
// (test/stores.test.ts tests the real stores).
function fakeStore(carts: Record<string, string[]> = {}) {
  return {
    carts,
    get: async () => undefined,
    set: async () => {},
    destroy: async () => {},
    where: (id: string, what?: string) => `${what ?? 'session'} ${id}`,
    cart: async (id: string) => [...(carts[id] ?? [])],
    addToCart: async (id: string, item: string, limit: number) => {
      const cart = (carts[id] ??= []);
      if (cart.length >= limit) return false;
      cart.push(item);
      return true;
    },
  } satisfies SessionStore & { carts: object };
}
const viewOf = (
  ctx: Context,
  db: SiteDatabase = fakeDatabase(),
  store: SessionStore = fakeStore(),
) => new TutorialViews(ctx, db, store);

describe('TutorialViews', () => {
  it('keeps the context it was made with', () => {
    const ctx = fakeContext();
    expect(viewOf(ctx).ctx).to.equal(ctx);
  });

  it('home() returns the Home View data with the visitor’s cart and what is popular', async () => {
    const db = fakeDatabase();
    db.countAdd('cake');
    const store = fakeStore({ visitor: ['tea'], someone: ['milk'] });
    expect(await viewOf(fakeContext(), db, store).home()).to.deep.equal({
      name: 'Home View',
      items: ['tea'],
      maxItemLength: MAX_ITEM_LENGTH,
      popular: [{ item: 'cake', adds: 1 }],
    });
    expect(await viewOf(fakeContext()).home()).to.include({ name: 'Home View' });
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
    it('adds the trimmed item to the visitor’s cart, flashes it, and redirects to / with 303', async () => {
      const session: { flash?: object } = {};
      const store = fakeStore();
      const ctx = fakeContext(session, { item: '  tea ' });
      await viewOf(ctx, fakeDatabase(), store).addItem();
      expect(store.carts).to.deep.equal({ visitor: ['tea'] });
      expect(session).to.deep.equal({ flash: { info: ['Added “tea” to your cart.'] } });
      expect([ctx.status, ctx.location]).to.deep.equal([303, '/']);
    });

    for (const [why, body, cart, message] of [
      ['an empty item', { item: '   ' }, [], 'Enter an item to add.'],
      ['a missing item', {}, [], 'Enter an item to add.'],
      [
        'an item that is too long',
        { item: 'x'.repeat(MAX_ITEM_LENGTH + 1) },
        [],
        'at most 100 characters',
      ],
      [
        'an item for a full cart',
        { item: 'tea' },
        Array(MAX_ITEMS).fill('x'),
        'Your cart is full',
      ],
      ['an item with a control character', { item: 'tea\u0000' }, [], 'control characters'],
    ] as const) {
      it(`adds nothing for ${why}, flashes an error, and redirects`, async () => {
        const session: { flash?: { error?: string[] } } = {};
        const store = fakeStore({ visitor: [...cart] });
        const ctx = fakeContext(session, body);
        await viewOf(ctx, fakeDatabase(), store).addItem();
        expect(store.carts.visitor).to.deep.equal(cart);
        expect(session.flash?.error?.[0]).to.contain(message);
        expect([ctx.status, ctx.location]).to.deep.equal([303, '/']);
      });
    }

    it('says the cart is full when overlapping adds filled it after it was read', async () => {
      const session: { flash?: object } = {};
      const store = { ...fakeStore(), addToCart: async () => false };
      await viewOf(fakeContext(session, { item: 'tea' }), fakeDatabase(), store).addItem();
      expect(session).to.deep.equal({ flash: { error: ['Your cart is full.'] } });
    });

    it('refuses an item that is not text with 400', async () => {
      const session = {};
      const store = fakeStore();
      const view = viewOf(fakeContext(session, { item: ['a', 'b'] }), fakeDatabase(), store);
      const error = await view.addItem().catch((error: unknown) => error);
      expect(error).to.include({ message: 'Send one item, as text, in the field "item".' });
      expect(error).to.have.property('status', 400);
      expect([session, store.carts]).to.deep.equal([{}, {}]);
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

  it('addItem() counts the item in the database, once per add', async () => {
    const db = fakeDatabase();
    const session = {};
    await viewOf(fakeContext(session, { item: 'tea' }), db).addItem();
    await viewOf(fakeContext(session, { item: ' tea ' }), db).addItem();
    await viewOf(fakeContext(session, { item: '' }), db).addItem();
    expect([...db.adds]).to.deep.equal([['tea', 2]]);
  });

  it('addItem() counts no add that the cart refuses', async () => {
    const db = fakeDatabase();
    const store = { ...fakeStore(), addToCart: async () => false }; // filled meanwhile
    await viewOf(fakeContext({}, { item: 'tea' }), db, store).addItem();
    expect([...db.adds]).to.deep.equal([]);
  });

  it('addItem() answers 503 when the database cannot count an add that is in the cart', async () => {
    const db = fakeDatabase();
    db.countAdd = () => {
      throw new DatabaseUnavailable(new Error('database is locked'));
    };
    const store = fakeStore({ visitor: ['cake'] });
    const view = viewOf(fakeContext({}, { item: 'tea' }), db, store);
    expect(await view.addItem().catch((error: unknown) => error)).to.be.instanceOf(
      DatabaseUnavailable,
    );
    expect(store.carts).to.deep.equal({ visitor: ['cake', 'tea'] });
  });

  describe('startOver()', () => {
    it('empties the session, regenerates its id, flashes, and redirects to / with 303', async () => {
      const calls: string[] = [];
      const session = {
        counter: 3,
        csrf: 'token',
        flash: { error: ['Oops'] },
        async regenerate() {
          calls.push(`regenerate ${JSON.stringify(this)}`);
        },
      };
      const ctx = fakeContext(session);
      await viewOf(ctx).startOver();
      expect(calls).to.deep.equal(['regenerate {}']);
      expect(JSON.stringify(session)).to.equal(
        '{"flash":{"info":["You have started over, with a new session."]}}',
      );
      expect([ctx.status, ctx.location]).to.deep.equal([303, '/']);
    });
  });
});
