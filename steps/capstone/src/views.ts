import type { Context } from 'koa';
import { inspect } from '@course/platform';
import { problemWith, MAX_ITEM_LENGTH, MAX_ITEMS } from '../../06-session_stores/src/cart.ts';
import { tokenFor } from '../../06-session_stores/src/csrf.ts';
import { POPULAR_LIMIT } from './db.ts';
import type { SiteDatabase } from './db.ts';
import { flash, popFlash } from '../../06-session_stores/src/flash.ts';
import type { PopularToday } from './popular-today.ts';
import type { SessionStore } from '../../06-session_stores/src/stores/store.ts';

// Pyramid's view class, rebuilt for Koa. The app makes a new one for every request,
// so whatever it holds belongs to that request alone. The database and the session
// store are the app's, passed in, never imported: each app (each test) has its own.
export class TutorialViews {
  readonly ctx: Context;
  readonly db: SiteDatabase;
  readonly store: SessionStore;
  readonly today: { lists: PopularToday; day: string }; // one day for the whole request

  constructor(
    ctx: Context,
    db: SiteDatabase,
    store: SessionStore,
    today: { lists: PopularToday; day: string },
  ) {
    this.ctx = ctx;
    this.db = db;
    this.store = store;
    this.today = today;
  }

  private get session() {
    if (this.ctx.session) return this.ctx.session;
    throw new TypeError('TutorialViews: no ctx.session; install the session middleware');
  }

  // Pyramid's counter property: reading it counts one more page view for this visitor.
  // The count lives in the visitor's session, so it is per browser, not per URL.
  get counter(): number {
    this.session.counter = (this.session.counter ?? 0) + 1;
    return this.session.counter;
  }

  // Every page view by anyone: one number for the whole site, whichever worker serves,
  // counted by the database in one atomic statement. A HEAD request only reads it.
  get visits(): number {
    const visits = this.ctx.method === 'HEAD' ? this.db.visits() : this.db.countVisit();
    inspect(this.ctx, { what: 'visits', value: visits, ...this.db.home('site_counts') });
    return visits;
  }

  // The visitor's flash messages, taken out of the session: each appears on one page only.
  popMessages() {
    const [error, info] = [popFlash(this.session, 'error'), popFlash(this.session, 'info')];
    // For the state inspector: where they were until this page took them out.
    const home = { where: 'the session', who: 'this visitor', lasts: 'until shown once' };
    if (error.length || info.length)
      inspect(this.ctx, { what: 'flash', value: { error, info }, ...home });
    return { error, info };
  }

  // The token the page's forms must send back (see src/csrf.ts).
  get csrfToken(): string {
    return tokenFor(this.session);
  }

  // Each view returns the data for its template; the router picks the template.
  async home() {
    const id = this.session.externalKey;
    const [items, popular] = [await this.store.cart(id), this.db.popular()]; // read each time
    const cart = {
      where: this.store.where(id, 'cart'),
      who: 'this visitor',
      lasts: 'as its session',
    };
    inspect(this.ctx, { what: 'cart', value: items, ...cart });
    inspect(this.ctx, { what: 'popular', value: popular, ...this.db.home('popular') });
    const { lists, day } = this.today;
    const today = await lists.list(day, POPULAR_LIMIT);
    inspect(this.ctx, { what: `popular on ${day}`, value: today, ...lists.home(day) });
    return { name: 'Home View', items, maxItemLength: MAX_ITEM_LENGTH, popular, today, day };
  }

  hello() {
    return { name: 'Hello View' };
  }

  // #region add-item
  // POST /items: redirect home (Post/Redirect/Get) with a message. The store appends: a
  // cart in the session, written back whole, would keep only one of two overlapping adds.
  async addItem() {
    const { item = '' } = this.ctx.request.body as { item?: unknown };
    if (typeof item !== 'string')
      this.ctx.throw(400, 'Send one item, as text, in the field "item".');
    const name = item.trim();
    const id = this.session.externalKey;
    const problem = problemWith(name, await this.store.cart(id));
    if (problem) flash(this.session, problem, 'error');
    // false only if overlapping adds filled the cart since it was read above
    else if (await this.store.addToCart(id, name, MAX_ITEMS)) {
      // Counted once in the cart, so a refused add is never counted.
      this.db.countAdd(name);
      await this.today.lists.add(this.today.day, name); // and in the day's list
      flash(this.session, `Added “${name}” to your cart.`);
    } else flash(this.session, 'Your cart is full.', 'error');
    this.ctx.redirect('/');
    this.ctx.status = 303; // See Other: fetch / with GET, whatever method brought you here
  }
  // #endregion add-item

  // #region start-over
  // POST /start-over: session and cart destroyed on the server; an old cookie finds nothing.
  async startOver() {
    const session = this.session;
    // Everything goes, the CSRF token too: the old page's forms no longer work.
    for (const key of ['counter', 'csrf', 'flash'] as const) delete session[key];
    await session.regenerate(); // destroys the old id in the store; a new id for the rest
    flash(session, 'You have started over, with a new session.');
    this.ctx.redirect('/');
    this.ctx.status = 303;
  }
  // #endregion start-over
}
