// openSqlite and guardCalls (src/sqlite.ts, src/sqlite-guard.ts) on real files: what
// steps 05 and 06 open their database with, here on a small database of the same kind.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { accessSync, chmodSync, constants, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { DatabaseUnavailable, STILL_BUSY_TIMEOUT } from '../src/sqlite.ts';
import { MIGRATIONS, openCounter } from './helpers/counter.ts';
import type { Counter } from './helpers/counter.ts';
import { databaseFolderPerTest } from '../testing/sqlite.ts';

const COUNTER_MODULE = new URL('./helpers/counter.ts', import.meta.url).href;
// Every test gets a database folder of its own, removed after it (connections closed first).
let dir: string;
let file: string;
const { opened, keep } = databaseFolderPerTest((folder) => {
  dir = folder;
  file = join(folder, 'site.db');
});

// A connection as the code under test opens one, and a plain one of our own (to look
// inside the file or to hold its lock): both closed after the test.
const open = (options?: { busyTimeout?: number }): Counter => keep(openCounter(file, options));
const connect = () => keep(new DatabaseSync(file));

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

const pragma = (name: string) => Object.values(connect().prepare(`PRAGMA ${name}`).get()!)[0];

// Runs `code` as an ES module in a new Node process. `onLine` sees each line it prints;
// the promise settles when the process ends, with everything it printed.
function runNode(code: string, onLine: (line: string) => void = () => {}): Promise<string> {
  return new Promise((resolve, reject) => {
    // Ended after 9 s (the tests wait 10): a stuck child fails with what it printed, and
    // is not left behind.
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
      timeout: 9000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      chunk.split('\n').filter(Boolean).forEach(onLine);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) =>
      status === 0
        ? resolve(stdout)
        : reject(new Error(`child exited ${status ?? child.signalCode}: ${stdout}${stderr}`)),
    );
  });
}

describe('openSqlite', () => {
  it('creates the file and its folder, with every migration applied, in WAL mode', () => {
    file = join(dir, 'data', 'deeper', 'site.db');
    open();
    expect(pragma('user_version')).to.equal(MIGRATIONS.length);
    expect(pragma('journal_mode')).to.equal('wal');
  });

  it('opening a file that is up to date writes nothing to it (a full disk cannot stop a start)', () => {
    open().countVisit();
    const other = connect(); // sees every commit made by another connection
    const dataVersion = () => other.prepare('PRAGMA data_version').get()!.data_version;
    const bytes = () =>
      ['', '-wal'].map((suffix) => readFileSync(file + suffix).toString('hex'));
    const [versionBefore, bytesBefore] = [dataVersion(), bytes()];
    open();
    expect(dataVersion()).to.equal(versionBefore);
    expect(bytes()).to.deep.equal(bytesBefore);
  });

  it('brings a file of an earlier schema up to date, and keeps its data', () => {
    const older = connect();
    older.exec(`${MIGRATIONS[0]}; PRAGMA user_version = 1`);
    older.exec("UPDATE site_counts SET visits = 41; INSERT INTO popular VALUES ('tea', 2)");
    const db = open();
    expect(pragma('user_version')).to.equal(MIGRATIONS.length);
    expect([db.countVisit(), db.popular()]).to.deep.equal([42, [{ item: 'tea', adds: 2 }]]);
  });

  it('opening the same file again migrates nothing and keeps the data', () => {
    const first = open();
    first.countVisit();
    first.countAdd('tea');
    first.close();
    const again = open();
    expect(pragma('user_version')).to.equal(MIGRATIONS.length);
    expect(again.visits()).to.equal(1);
    expect(again.popular()).to.deep.equal([{ item: 'tea', adds: 1 }]);
  });

  // Two processes wait for the same instant, open the file together, and count a visit.
  async function openInTwoProcesses(): Promise<string[]> {
    const code = `
      import { openCounter } from ${JSON.stringify(COUNTER_MODULE)};
      while (Date.now() < ${Date.now() + 300});
      const db = openCounter(${JSON.stringify(file)});
      console.log(db.countVisit());
      db.close();`;
    const outputs = await Promise.all([runNode(code), runNode(code)]);
    return outputs.map((out) => out.trim()).sort();
  }

  it('lets two processes create the same file at the same moment: both start', async function () {
    this.timeout(10_000);
    expect(await openInTwoProcesses()).to.deep.equal(['1', '2']);
    expect(pragma('user_version')).to.equal(MIGRATIONS.length);
  });

  it('migrates once when two processes find an empty database at the same moment', async function () {
    this.timeout(10_000);
    connect().exec('PRAGMA journal_mode = WAL'); // a database already, with no tables yet
    expect(await openInTwoProcesses()).to.deep.equal(['1', '2']);
    expect(pragma('user_version')).to.equal(MIGRATIONS.length);
  });

  it('refuses a folder it cannot create, in one line that says what to fix', () => {
    writeFileSync(join(dir, 'plain-file'), '');
    file = join(dir, 'plain-file', 'site.db');
    expect(() => open()).to.throw(
      /^Cannot open the database at ".*plain-file\/site\.db": .+; set DATABASE_PATH to a file in a folder you can write$/,
    );
  });

  it('refuses a file that is not a database, and says what to do about it', () => {
    writeFileSync(file, 'these bytes are not a database '.repeat(100));
    expect(() => open()).to.throw(
      /^Cannot open the database at ".*": file is not a database; move the damaged file away, or set DATABASE_PATH to another file$/,
    );
  });

  it('refuses a read-only file at start-up rather than failing on the first visit', function () {
    open().close();
    chmodSync(file, 0o444);
    if (writable(file)) this.skip(); // running as root, which ignores file permissions
    expect(() => open()).to.throw(
      /^Cannot open the database at ".*": attempt to write a readonly database; set DATABASE_PATH/,
    );
  });

  it('refuses a file made by a later step of the course, says so, and leaves it as it was', () => {
    const newer = connect();
    newer.exec(`PRAGMA user_version = ${MIGRATIONS.length + 1}`);
    expect(() => open()).to.throw(
      `: it was made by a later step of the course (schema ${MIGRATIONS.length + 1}, ` +
        `this step knows ${MIGRATIONS.length}); use this step's own data/site.sqlite, ` +
        'or set DATABASE_PATH to another file',
    );
    expect(pragma('user_version')).to.equal(MIGRATIONS.length + 1);
    newer.exec('BEGIN IMMEDIATE'); // nobody was left holding the lock: the transaction ended
    newer.exec('ROLLBACK');
  });

  it('accepts a busyTimeout of 0 and refuses one that is not a whole number', () => {
    expect(() => open({ busyTimeout: 0 })).not.to.throw();
    expect(() => open({ busyTimeout: 1.5 })).to.throw(TypeError, /busyTimeout/);
    expect(() => open({ busyTimeout: -1 })).to.throw(TypeError, /busyTimeout/);
  });
});

describe('when the file is deleted or replaced while it is open', () => {
  // The check runs every 20 ms here (the server's, every 10 s).
  function watched() {
    const said: string[] = [];
    opened.push(
      openCounter(file, { onFileGone: (line) => said.push(line), fileCheckEvery: 20 }),
    );
    return said;
  }
  const removeFile = () =>
    ['', '-wal', '-shm'].forEach((suffix) => rmSync(file + suffix, { force: true }));

  it('says so once, in one line that says what to do', async () => {
    const said = watched();
    await sleep(100);
    expect(said).to.deep.equal([]); // nothing to say while the path names the open file
    removeFile();
    await sleep(100);
    expect(said).to.deep.equal([
      `The database file ${JSON.stringify(file)} was deleted or replaced while in use: ` +
        'this process goes on with the old one, which nothing else sees. Stop the server ' +
        'and start it again; to start over, use `npm run db -- reset` instead.',
    ]);
  });

  it('notices a new file made at the same path', async () => {
    const said = watched();
    removeFile();
    open().close(); // another process would make a new file there
    await sleep(100);
    expect(said).to.have.length(1);
  });

  it('stops looking once the database is closed', async () => {
    const said = watched();
    opened.pop()!.close();
    removeFile();
    await sleep(100);
    expect(said).to.deep.equal([]);
  });
});

describe('when another connection holds the write lock', () => {
  it('with busyTimeout 0, a write fails at once with DatabaseUnavailable (503)', () => {
    const db = open({ busyTimeout: 0 });
    const holder = connect();
    holder.exec('BEGIN IMMEDIATE');
    let caught: unknown;
    try {
      db.countVisit();
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(DatabaseUnavailable);
    const error = caught as DatabaseUnavailable;
    expect(error).to.include({ status: 503, expose: true, name: 'DatabaseUnavailable' });
    expect(error.headers).to.deep.equal({ 'Retry-After': '1' });
    expect(error.message).to.equal(
      'The database is busy or unavailable; please try again in a moment.',
    );
    expect(error.cause).to.include({ code: 'ERR_SQLITE_ERROR', errcode: 5 });
    holder.exec('ROLLBACK');
    expect(db.countVisit()).to.equal(1);
  });

  it('guards a statement prepared through the guard (guard.prepare) as it guards the others', () => {
    const db = open({ busyTimeout: 0 });
    const add = db.prepare('INSERT INTO popular (item, adds) VALUES (?, 1)');
    const items = () =>
      db
        .prepare('SELECT item FROM popular')
        .all()
        .map((row) => row.item);
    const holder = connect();
    holder.exec('BEGIN IMMEDIATE');
    expect(() => add.run('tea')).to.throw(DatabaseUnavailable);
    expect(items()).to.deep.equal([]); // reads still work
    holder.exec('ROLLBACK');
    expect(Number(add.run('tea').changes)).to.equal(1);
    expect(db.prepare('SELECT adds FROM popular WHERE item = ?').get('tea')).to.include({
      adds: 1,
    });
    expect(items()).to.deep.equal(['tea']);
    expect(() => add.run('tea')) // a constraint broken is a bug: a 500, not a 503
      .to.throw(Error)
      .that.satisfies((error: unknown) => !(error instanceof DatabaseUnavailable));
  });

  it('still reads: in WAL mode a writer does not block readers', () => {
    const db = open({ busyTimeout: 0 });
    db.countVisit();
    const holder = connect();
    holder.exec('BEGIN IMMEDIATE');
    holder.exec('UPDATE site_counts SET visits = 100');
    expect(db.visits()).to.equal(1); // the last committed value
    holder.exec('COMMIT');
    expect(db.visits()).to.equal(100);
  });

  it('waits for the lock, up to busyTimeout, and then writes', async function () {
    this.timeout(10_000);
    const db = open({ busyTimeout: 1000 });
    // Another process takes the lock, counts a visit, and commits 100 ms later. This one
    // cannot release it: a DatabaseSync call blocks the whole process while it waits.
    const code = `
      import { DatabaseSync } from 'node:sqlite';
      const db = new DatabaseSync(${JSON.stringify(file)});
      db.exec('BEGIN IMMEDIATE');
      db.exec('UPDATE site_counts SET visits = visits + 1');
      console.log('locked');
      setTimeout(() => db.exec('COMMIT'), 100);`;
    let sawLock!: () => void;
    const locked = new Promise<void>((resolve) => (sawLock = resolve));
    const exited = runNode(code, (line) => line === 'locked' && sawLock());
    await Promise.race([locked, exited]);
    expect(db.countVisit()).to.equal(2); // blocks until the other commits: its visit, then ours
    await exited;
  });

  it('once a write has waited the whole busy timeout in vain, the next ones fail fast, until one gets through', function () {
    this.timeout(10_000);
    const busyTimeout = 600; // ms: a third more than the fast failures' bound below
    const db = open({ busyTimeout });
    const holder = connect();
    // How long one call took (ms), and whether it answered DatabaseUnavailable.
    const timed = (call: () => unknown) => {
      const started = performance.now();
      try {
        call();
        return { took: performance.now() - started, unavailable: false };
      } catch (error) {
        if (!(error instanceof DatabaseUnavailable)) throw error;
        return { took: performance.now() - started, unavailable: true };
      }
    };
    // STILL_BUSY_TIMEOUT, with room for a busy machine's late wake-ups (one such 50 ms wait
    // took 323 ms in a CI run), yet short of the whole timeout that a first write waits.
    const fast = busyTimeout * 0.75;
    expect(STILL_BUSY_TIMEOUT).to.be.below(fast / 5);

    holder.exec('BEGIN IMMEDIATE');
    const first = timed(() => db.countVisit());
    expect(first.unavailable).to.equal(true);
    expect(first.took).to.be.at.least(busyTimeout * 0.9); // the whole timeout
    for (let i = 0; i < 3; i++) {
      expect(timed(() => db.visits())).to.include({ unavailable: false }); // reads still work,
      const next = timed(() => db.countVisit()); // and do not bring the long wait back
      expect(next.unavailable).to.equal(true);
      expect(next.took).to.be.below(fast);
    }

    holder.exec('ROLLBACK'); // the lock is free: the next write gets through,
    expect(db.countVisit()).to.equal(1);
    holder.exec('BEGIN IMMEDIATE'); // and the one after that waits the whole timeout again
    expect(timed(() => db.countVisit()).took).to.be.at.least(busyTimeout * 0.9);
    holder.exec('ROLLBACK');
  });

  it('closes cleanly while the lock is known to be held', () => {
    const db = open({ busyTimeout: 0 });
    const holder = connect();
    holder.exec('BEGIN IMMEDIATE');
    expect(() => db.countVisit()).to.throw(DatabaseUnavailable);
    expect(() => db.close()).not.to.throw();
    holder.exec('ROLLBACK');
  });

  it('a bug in the SQL does not shorten the next wait for the lock', () => {
    const busyTimeout = 300; // ms
    const db = open({ busyTimeout });
    const holder = connect();
    expect(() => db.popular(1.5)).to.throw(Error); // a bug, not a busy database
    holder.exec('BEGIN IMMEDIATE');
    const started = performance.now();
    expect(() => db.countVisit()).to.throw(DatabaseUnavailable);
    expect(performance.now() - started).to.be.at.least(busyTimeout * 0.9); // the whole timeout
    holder.exec('ROLLBACK');
  });

  it('leaves other SQLite errors as they are: a bug is a 500, not a 503', () => {
    const db = open();
    expect(() => db.popular(1.5))
      .to.throw(Error)
      .that.satisfies((error: unknown) => !(error instanceof DatabaseUnavailable));
  });
});
