import type { Context } from 'koa';

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

  // #region counter
  // Pyramid's counter property: reading it counts one more page view for this visitor.
  // The count lives in the visitor's session, so it is per browser, not per URL.
  get counter(): number {
    this.session.counter = (this.session.counter ?? 0) + 1;
    return this.session.counter;
  }
  // #endregion counter

  // Each view returns the data for its template; the router picks the template.
  home() {
    return { name: 'Home View' };
  }

  hello() {
    return { name: 'Hello View' };
  }
}
