// NAIVE, DO NOT COPY. This step's own app, given a database in the process's memory
// (":memory:" instead of a file): fast, and fine in a test. But each worker that opens
// ":memory:" gets a database of its own, as step 04's module-level variable did: the
// workers' counts diverge, and a restarted worker starts again from nothing.
import type Koa from 'koa';
import { createApp as createStepApp } from '../src/app.ts';
import type { AppOptions } from '../src/app.ts';
import { openDatabase } from '../src/db.ts';

export function createApp(options: AppOptions): Koa {
  // #region naive
  const db = openDatabase(':memory:'); // this process's memory, not a file: one per worker
  // #endregion naive
  // For the state inspector (development only): where the tables really are.
  const home = (table: string) => ({
    where: `the ${table} table of a database in this process's memory (pid ${process.pid}): each worker has its own`,
    who: 'the visitors this process serves, not the other workers',
    lasts: 'until this process ends',
  });
  return createStepApp({ ...options, db: { ...db, home } });
}
