import type { Context } from 'koa';
import { inspect } from '@course/platform';
import { problemWith, MAX_ITEM_LENGTH } from './cart.ts';
import { tokenFor } from './csrf.ts';
import { flash, popFlash } from './flash.ts';

// Pyramid's view class, rebuilt for Koa. The app makes a new one for every request,
// so whatever it holds (the request's ctx, anything computed from it) belongs to that
// request alone and is garbage once the response is sent.
export class TutorialViews {
  readonly ctx: Context;

  constructor(ctx: Context) {
    this.ctx = ctx;
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

  // #region messages
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
  // #endregion messages

  // Each view returns the data for its template; the router picks the template.
  home() {
    return {
      name: 'Home View',
      items: this.session.items ?? [],
      maxItemLength: MAX_ITEM_LENGTH,
    };
  }

  hello() {
    return { name: 'Hello View' };
  }

  // #region add-item
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
      this.session.items = [...cart, name];
      flash(this.session, `Added “${name}” to your cart.`);
    }

    this.ctx.redirect('/');
    this.ctx.status = 303; // See Other: fetch / with GET, whatever method brought you here
  }
  // #endregion add-item
}
