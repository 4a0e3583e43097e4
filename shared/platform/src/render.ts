import { Eta } from 'eta';
import type { Context } from 'koa';

export type Render = (ctx: Context, template: string, data: object) => void;

// One template engine per app, reading the templates in `views` (the step's own folder).
// With `cache: false` (development) eta reads a template again on every render, so an
// edited template shows on the next reload; with `cache: true` it compiles each
// template once. Escaping is on: `<%= %>` escapes HTML.
export function createRenderer({ cache, views }: { cache: boolean; views: string }): Render {
  const eta = new Eta({ views, cache });
  return function render(ctx, template, data) {
    ctx.type = 'html';
    // ctx.state is Koa's place for what middleware gives the templates (the notice,
    // the serving process): this request's, made afresh for every request.
    ctx.body = eta.render(template, { ...ctx.state, ...data });
  };
}
