import { expect } from 'chai';
import { runDbCommand } from '../tools/db.ts';
import { sqliteStore } from '../src/stores/sqlite.ts';
import { NEW_SESSION_LIFETIME } from '../src/stores/store.ts';
import { sessionRows, storeSession, testDatabaseFile } from './helpers/database.ts';

// `npm run db -- show | reset`, called as a function, with what it prints kept: what it
// says and does about the sessions kept in the file (the rest is step 05's).

function db(args: string[], path: string) {
  const printed: string[] = [];
  const failed: string[] = [];
  const code = runDbCommand(args, {
    databasePath: path,
    print: (line) => printed.push(line),
    fail: (line) => failed.push(line),
  });
  return { code, printed, failed };
}

// What show prints about sessions for a file that has none.
const NO_SESSIONS = [
  'Sessions: 0, of which 0 expired and 0 end within 15 minutes',
  'Carts: 0, holding 0 items',
  'Revoked sessions, kept 15 minutes: 0',
];

describe('npm run db', () => {
  it('show: says so when nothing has been added', () => {
    const { path } = testDatabaseFile();
    expect(db(['show'], path).printed.slice(1)).to.deep.equal([
      'Visits to this site: 0',
      'Popular with everyone: nothing added yet',
      ...NO_SESSIONS,
    ]);
  });

  it('show: the sessions, how many expired or end soon, their carts, and the revoked ones', async () => {
    const { db: site, path } = testDatabaseFile();
    const store = sqliteStore(site);
    const day = 24 * 60 * 60 * 1000;
    const kept = (id: string, expires: number) =>
      storeSession(site, id, '{}', Date.now() + expires);
    kept('expired', -1000);
    kept('new', NEW_SESSION_LIFETIME);
    kept('back', day);
    kept('gone', day);
    for (const item of ['tea', 'milk']) await store.addToCart('back', item, 20);
    await store.addToCart('new', 'cake', 20);
    await store.addToCart('gone', 'bread', 20);
    await store.destroy('gone');
    expect(db(['show'], path).printed.slice(-3)).to.deep.equal([
      'Sessions: 3, of which 1 expired and 1 end within 15 minutes',
      'Carts: 2, holding 3 items',
      'Revoked sessions, kept 15 minutes: 1',
    ]);
  });

  it('reset: ends every session and empties every cart; a session in flight cannot come back', async () => {
    const { db: site, path } = testDatabaseFile();
    const store = sqliteStore(site);
    const day = 24 * 60 * 60 * 1000;
    for (const id of ['a', 'b']) storeSession(site, id, '{}', Date.now() + day);
    storeSession(site, 'expired', '{}', Date.now() - 1000);
    await store.addToCart('a', 'tea', 20);
    expect(db(['reset'], path).printed[1]).to.equal(
      'Reset: visits 0 → 0; 0 popular items removed; 2 sessions ended',
    );
    expect(sessionRows(path)).to.deep.equal({ sessions: 2, cartItems: 0 }); // revoked
    storeSession(site, 'a', '{"counter":2}', Date.now() + day);
    expect(await store.get('a')).to.equal(undefined);
    expect(await store.addToCart('a', 'milk', 20)).to.equal(false);
    expect(db(['show'], path).printed.slice(-3)).to.deep.equal([
      'Sessions: 0, of which 0 expired and 0 end within 15 minutes',
      'Carts: 0, holding 0 items',
      'Revoked sessions, kept 15 minutes: 2',
    ]);
  });
});
