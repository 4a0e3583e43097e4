import { fileURLToPath } from 'node:url';
import Koa from 'koa';
import Router from '@koa/router';
import {
  createRenderer,
  errorLog,
  errorPages,
  securityHeaders,
  staticFiles,
} from '@course/platform';
import { TutorialViews } from './views.ts';

export interface AppOptions {
  env?: string; // 'development' re-reads templates; default: NODE_ENV, else that
  views?: string; // the templates' folder; default: views/ in this step
}

// Constants, not state: the templates' folder, and the stylesheet's (under /static/).
const VIEWS_DIR = fileURLToPath(new URL('../views', import.meta.url));
const STATIC_DIR = fileURLToPath(new URL('../static', import.meta.url));

// The app factory: each call builds a new app, router and template engine; importing this
// file builds nothing. What is not the lesson (errors, headers, templates) is the platform's.
export function createApp({ env, views = VIEWS_DIR }: AppOptions = {}): Koa {
  const app = new Koa({ env });
  app.on('error', errorLog()); // one line per failure, instead of Koa's stack per visitor
  const render = createRenderer({ cache: app.env !== 'development', views });
  const router = new Router();

  // A new TutorialViews for every request, created with that request's ctx.
  router.get('/', (ctx) => {
    const view = new TutorialViews(ctx);
    render(ctx, 'home', { ...view.home(), view });
  });
  router.get('/howdy', (ctx) => {
    const view = new TutorialViews(ctx);
    render(ctx, 'hello', { ...view.hello(), view });
  });

  app.use(securityHeaders()); // outermost: every response gets them, error pages too
  app.use(errorPages(render)); // next, so it sees every error below it
  // The stylesheet, the same for everyone: browsers keep it an hour (not in development).
  app.use(staticFiles(STATIC_DIR, { maxage: app.env === 'development' ? 0 : 60 * 60 * 1000 }));
  app.use(router.routes());
  app.use(router.allowedMethods()); // 405 with an Allow header for a known path, wrong method
  return app;
}
