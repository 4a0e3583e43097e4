import type { Context } from 'koa';
import { problemWith, MAX_ITEM_LENGTH, MAX_ITEMS } from './cart.ts';
import { tokenFor } from './csrf.ts';
import type { SiteDatabase } from './db.ts';
import { flash, popFlash } from './flash.ts';
import type { SessionStore } from './stores/store.ts';

// Pyramid's view class, rebuilt for Koa. The app makes a new one for every request,
// so whatever it holds (the request's ctx, anything computed from it) belongs to that
// request alone and is garbage once the response is sent. The database and the session
// store are the app's, passed in, never imported: each app (each test) has its own.
export class TutorialViews {
  readonly ctx: Context;
  readonly db: SiteDatabase;
  readonly store: SessionStore;

  constructor(ctx: Context, db: SiteDatabase, store: SessionStore) {
    this.ctx = ctx;
    this.db = db;
    this.store = store;
  }

  private get session() {
    const session = this.ctx.session;
    if (!session)
      throw new TypeError(
        'TutorialViews: ctx.session is missing; install the session middleware',
      );
    return session;
  }

  // #region counter
  // Pyramid's counter property: reading it counts one more page view for this visitor.
  // The count lives in the visitor's session, so it is per browser, not per URL.
  get counter(): number {
    this.session.counter = (this.session.counter ?? 0) + 1;
    return this.session.counter;
  }
  // #endregion counter

  // #region visits
  // Every page view by anyone: one number for the whole site, whichever worker serves,
  // counted by the database in one atomic statement. A HEAD request only reads it.
  get visits(): number {
    return this.ctx.method === 'HEAD' ? this.db.visits() : this.db.countVisit();
  }
  // #endregion visits

  // #region messages
  // The visitor's flash messages, taken out of the session: the layout calls this once
  // per page, so each message appears on exactly one page.
  popMessages() {
    return { error: popFlash(this.session, 'error'), info: popFlash(this.session, 'info') };
  }

  // The token the page's forms must send back (see src/csrf.ts).
  get csrfToken(): string {
    return tokenFor(this.session);
  }
  // #endregion messages

  // Each view returns the data for its template; the router picks the template.
  async home() {
    return {
      name: 'Home View',
      items: await this.store.cart(this.session.externalKey),
      maxItemLength: MAX_ITEM_LENGTH,
      popular: this.db.popular(), // read on every request: what everyone added, up to now
    };
  }

  hello() {
    return { name: 'Hello View' };
  }

  // #region add-item
  // POST /items. Whatever happens, the answer is a redirect back to the home page
  // (Post/Redirect/Get), and a flash message says what happened on the page it loads.
  // The cart is not in the session: koa-session writes a whole session back at the end
  // of a request, so of two overlapping adds only the last would stay. The store appends
  // the item to the cart's own record in one atomic step instead.
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
      // Counted once it is in the cart, so that a refused add is never counted. Should the
      // count fail now (the database busy), the visitor gets the 503 page with the item
      // already in their cart, as their next page shows, and the list misses that one add.
      this.db.countAdd(name);
      flash(this.session, `Added “${name}” to your cart.`);
    } else flash(this.session, 'Your cart is full.', 'error');

    this.ctx.redirect('/');
    this.ctx.status = 303; // See Other: fetch / with GET, whatever method brought you here
  }
  // #endregion add-item

  // #region start-over
  // POST /start-over: the session and its cart are destroyed on the server, and the
  // visitor gets a new, empty session under a new id. A copy of the old cookie, wherever
  // it was kept, now finds nothing: the revocation a cookie session cannot do. A new id
  // whenever a visitor's standing changes (here, or at sign-in) also defeats fixation.
  async startOver() {
    const session = this.session;
    delete session.counter;
    delete session.csrf; // a new token too: the old page's forms no longer work
    delete session.flash;
    await session.regenerate(); // destroys the old id in the store; a new id for the rest
    flash(session, 'You have started over, with a new session.');
    this.ctx.redirect('/');
    this.ctx.status = 303;
  }
  // #endregion start-over
}
