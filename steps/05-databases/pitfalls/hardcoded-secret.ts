// NAIVE, DO NOT COPY. The real app, but with its signing key written in the source
// (Pyramid's tutorial uses 'itsaseekreet'). The key is now in every clone, fork,
// screenshot and search index, and anyone who has it can sign any session they like.
import type Koa from 'koa';
import { createApp as createRealApp } from '../src/app.ts';
import type { SiteDatabase } from '../src/db.ts';

// #region naive
export const createApp = ({ db }: { db: SiteDatabase }): Koa =>
  createRealApp({ db, keys: ['itsaseekreet'] });
// #endregion naive
