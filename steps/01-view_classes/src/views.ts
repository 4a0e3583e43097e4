import type { Context } from 'koa';

// Pyramid's view class, rebuilt for Koa. The app makes a new one for every request,
// so whatever it holds (the request's ctx, anything computed from it) belongs to that
// request alone and is garbage once the response is sent.
export class TutorialViews {
  readonly ctx: Context;

  constructor(ctx: Context) {
    this.ctx = ctx;
  }

  // Each view returns the data for its template; the router picks the template.
  home() {
    return { name: 'Home View' };
  }

  hello() {
    return { name: 'Hello View' };
  }
}
