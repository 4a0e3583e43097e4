// NAIVE, DO NOT COPY. The real app, but with its signing key written in the source
// (Pyramid's tutorial uses 'itsaseekreet'). The key is now in every clone, fork,
// screenshot and search index, and anyone who has it can sign any session they like.
import type Koa from 'koa';
import { createApp as createRealApp } from '../src/app.ts';
import type { AppOptions } from '../src/app.ts';

// #region naive
export const createApp = (options: Omit<AppOptions, 'keys'>): Koa =>
  createRealApp({ ...options, keys: ['itsaseekreet'] });
// #endregion naive
