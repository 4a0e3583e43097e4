import type { Context } from 'koa';
import { csrfToken } from './csrf.ts';
import { flash, peekFlash, popFlash } from './flash.ts';

// Limits that keep the cart, and so the session cookie, well under the 4 KB browsers
// keep (step 02, pitfall 3). Bytes as well as items: "茶" is one character, 3 bytes.
export const MAX_ITEM_LENGTH = 100;
export const MAX_ITEMS = 20;
export const MAX_CART_BYTES = 2000;

// Items as they are in the session, trusting nothing: the cookie may have been written
// by an older version of the app.
const itemsIn = (items: unknown): string[] =>
  Array.isArray(items) ? items.filter((item) => typeof item === 'string') : [];

// What is wrong with adding `item` to make `cart`, in words for the visitor; or nothing.
function problemWith(item: string, cart: string[]): string | undefined {
  if (!item) return 'Enter an item to add.';
  if (item.length > MAX_ITEM_LENGTH) return `An item can be at most ${MAX_ITEM_LENGTH} characters long.`;
  if (/\p{Cc}/u.test(item)) return 'An item cannot contain control characters.';
  if (cart.length > MAX_ITEMS || Buffer.byteLength(JSON.stringify(cart)) > MAX_CART_BYTES) {
    return 'Your cart is full.';
  }
}

// Pyramid's view class, rebuilt for Koa. The app makes a new one for every request,
// so whatever it holds (the request's ctx, anything computed from it) belongs to that
// request alone and is garbage once the response is sent.
export class TutorialViews {
  readonly ctx: Context;

  constructor(ctx: Context) {
    this.ctx = ctx;
  }

  private get session() {
    const session = this.ctx.session;
    if (!session)
      throw new TypeError('TutorialViews: ctx.session is missing; install the session middleware');
    return session;
  }

  // #region counter
  // Pyramid's counter property: reading it counts one more page view for this visitor.
  // The count lives in the visitor's session, so it is per browser, not per URL.
  get counter(): number {
    const session = this.session;
    // The cookie is signed, but it may come from an older version of the app: trust only a number.
    const previous = Number.isSafeInteger(session.counter) ? (session.counter as number) : 0;
    session.counter = previous + 1;
    return session.counter;
  }
  // #endregion counter

  // #region messages
  // The visitor's flash messages, taken out of the session as the layout shows them:
  // read once per page, so each message appears on exactly one page. A HEAD request
  // (a link checker, a preview) sees them without using them up.
  get messages() {
    const take = this.ctx.method === 'HEAD' ? peekFlash : popFlash;
    return { error: take(this.session, 'error'), info: take(this.session, 'info') };
  }

  // The token the page's forms must send back (see src/csrf.ts).
  get csrfToken(): string {
    return csrfToken(this.session);
  }
  // #endregion messages

  // Each view returns the data for its template; the router picks the template.
  home() {
    return { name: 'Home View', items: itemsIn(this.session.items), maxItemLength: MAX_ITEM_LENGTH };
  }

  hello() {
    return { name: 'Hello View' };
  }

  // #region add-item
  // POST /items. Whatever happens, the answer is a redirect back to the home page
  // (Post/Redirect/Get), and a flash message says what happened on the page it loads.
  addItem() {
    const { item = '' } = this.ctx.request.body as { item?: unknown };
    if (typeof item !== 'string') this.ctx.throw(400, 'Send one item, as text, in the field "item".');
    const name = item.trim();
    const cart = [...itemsIn(this.session.items), name];

    const problem = problemWith(name, cart);
    if (problem) flash(this.session, problem, 'error');
    else {
      this.session.items = cart;
      flash(this.session, `Added “${name}” to your cart.`);
    }

    this.ctx.redirect('/');
    this.ctx.status = 303; // See Other: fetch / with GET, whatever method brought you here
  }
  // #endregion add-item
}
