// NAIVE, DO NOT COPY. The real app, but with its signing key written in the source
// (Pyramid's tutorial uses 'itsaseekreet'). The key is now in every clone, fork,
// screenshot and search index, and anyone who has it can sign any session they like.
import type Koa from 'koa';
import type { Middleware } from 'koa';
import { inspect } from '@course/platform';
import { createApp as createRealApp } from '../src/app.ts';

// #region naive
const createNaiveApp = (): Koa => createRealApp({ keys: ['itsaseekreet'] });
// #endregion naive

// For the state inspector (development only): where the signing key lives. Never its value.
const reportKey: Middleware = async (ctx, next) => {
  await next(); // after the session's own rows
  inspect(ctx, {
    what: 'the signing key (app.keys)',
    value: '(not shown here, but anyone can read it)',
    where: 'in the source code, pitfalls/hardcoded-secret.ts, for all who can read it',
    who: 'everyone with a clone, a fork or a search engine',
    lasts: 'for good: a published key stays published',
  });
};

// The real app, with the report put in just inside its state inspector.
export function createApp(): Koa {
  const app = createNaiveApp();
  const inspector = app.middleware.findIndex(({ name }) => name === 'stateInspector');
  app.middleware.splice(inspector + 1, 0, reportKey);
  return app;
}
