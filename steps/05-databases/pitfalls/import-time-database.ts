// NAIVE, DO NOT COPY. The database opened when this module is first imported, and shared
// by every app made from it: Pyramid's import-time side effects once more. Importing
// the module opens (and creates) a file, before anyone asked for an app; and every app
// in the process, every test's included, writes to that one file. A test that wants a
// clean database cannot have one: it gets whatever the tests before it left behind.
import type Koa from 'koa';
import { createApp as createStepApp } from '../src/app.ts';
import type { AppOptions } from '../src/app.ts';
import { DEFAULT_DATABASE } from '../src/config.ts';
import { openDatabase } from '../src/db.ts';

// #region naive
// At import: one connection for the whole process, to the file named when it started.
export const db = openDatabase(process.env.DATABASE_PATH ?? DEFAULT_DATABASE);

export function createApp(options: Omit<AppOptions, 'db'>): Koa {
  return createStepApp({ ...options, db }); // every app gets the same database
}
// #endregion naive

// For the state inspector (development only): the tables' file, and when it was opened.
const inFile = db.home;
db.home = (table) => ({
  ...inFile(table),
  where: `${inFile(table).where}, opened as this module was imported: one connection for every app in this process (pid ${process.pid})`,
  who: 'every app made in this process, tests included, and every visitor',
});
