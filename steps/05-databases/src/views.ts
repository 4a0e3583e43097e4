import type { Context } from 'koa';
import { inspect } from '@course/platform';
import { problemWith, MAX_ITEM_LENGTH } from './cart.ts';
import { tokenFor } from './csrf.ts';
import type { SiteDatabase } from './db.ts';
import { flash, popFlash } from './flash.ts';

// Pyramid's view class, rebuilt for Koa. The app makes a new one for every request,
// so whatever it holds (the request's ctx, anything computed from it) belongs to that
// request alone and is garbage once the response is sent. The database is the app's,
// passed in, never imported: each app (each test) has its own.
export class TutorialViews {
  readonly ctx: Context;
  readonly db: SiteDatabase;

  constructor(ctx: Context, db: SiteDatabase) {
    this.ctx = ctx;
    this.db = db;
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
  home() {
    const popular = this.db.popular(); // read on every request: what everyone added, up to now
    inspect(this.ctx, { what: 'popular', value: popular, ...this.db.home('popular') });
    return {
      name: 'Home View',
      items: this.session.items ?? [],
      maxItemLength: MAX_ITEM_LENGTH,
      popular,
    };
  }

  hello() {
    return { name: 'Hello View' };
  }

  // POST /items. Whatever happens, the answer is a redirect back to the home page
  // (Post/Redirect/Get), and a flash message says what happened on the page it loads.
  addItem() {
    const { item = '' } = this.ctx.request.body as { item?: unknown };
    if (typeof item !== 'string')
      this.ctx.throw(400, 'Send one item, as text, in the field "item".');
    const name = item.trim();
    const cart = this.session.items ?? [];

    const problem = problemWith(name, cart);
    if (problem) flash(this.session, problem, 'error');
    else {
      this.db.countAdd(name); // first: if the database fails, the cart does not change
      this.session.items = [...cart, name];
      flash(this.session, `Added “${name}” to your cart.`);
    }

    this.ctx.redirect('/');
    this.ctx.status = 303; // See Other: fetch / with GET, whatever method brought you here
  }
}
