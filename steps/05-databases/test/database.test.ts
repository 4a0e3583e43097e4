import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { DatabaseSync } from 'node:sqlite';
import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../src/app.ts';
import { addItem, cart, csrfFrom, flashes } from './helpers/forms.ts';
import { databasePath, inFile, testDatabase, testDatabaseFile } from './helpers/database.ts';
import { sqliteLoads } from '@course/platform/testing/sqlite';
import { cleanUp, isRunning, startServer } from './helpers/server.ts';
import type { Server } from './helpers/server.ts';
import {
  Visitor,
  csrfIn,
  fresh,
  fromEveryWorker,
  inTurn,
  popularIn,
  stepWithTwoWorkers,
  visitsIn,
  waitUntil,
} from './helpers/workers.ts';

// The database through the app: functional tests over HTTP, each with a database file of
// its own (test/helpers/database.ts deletes it after the test, passed or failed); then
// src/server.ts in real processes, with files of their own.
const options = { env: 'test', keys: ['test key'] };
const appWith = (db = testDatabase()) => createApp({ ...options, db }).callback();

describe('the database, through the app', () => {
  it('is needed: createApp refuses to build an app without one, and says what it needs', () => {
    // @ts-expect-error: the mistake under test
    expect(() => createApp({ keys: ['k'] })).to.throw(
      TypeError,
      'createApp: options.db must be an open database, from openDatabase()',
    );
  });

  it('counts every page view, of every visitor, in the database', async () => {
    const db = testDatabase();
    const app = appWith(db);
    const pages = [await request(app).get('/'), await request(app).get('/')];
    pages.push(await request(app).get('/howdy'));
    pages.push(await request(app).get('/'));
    expect(pages.map(visitsIn)).to.deep.equal([1, 2, 3, 4]);
    expect(db.visits()).to.equal(4);
  });

  it('counts no visit for a HEAD request', async () => {
    const db = testDatabase();
    const app = appWith(db);
    await request(app).get('/').expect(200);
    await request(app).head('/').expect(200);
    expect(visitsIn(await request(app).get('/'))).to.equal(2);
    expect(db.visits()).to.equal(2);
  });

  it("lists what everyone added, most added first, on every visitor's page", async () => {
    const app = appWith();
    const [alice, bob] = [request.agent(app), request.agent(app)];
    await addItem(alice, 'tea');
    await addItem(bob, 'cake');
    await addItem(bob, 'tea');
    await addItem(alice, 'tea'); // Alice's cart holds tea twice
    const page = await request(app).get('/'); // a third visitor, with an empty cart
    expect(cart(page)).to.deep.equal([]);
    expect(popularIn(page)).to.deep.equal(['tea (3)', 'cake (1)']);
    expect(page.text).to.contain('tea <span class="adds">(added 3 times)</span>');
    expect(page.text).to.contain('cake <span class="adds">(added 1 time)</span>');
  });

  it('says so when nobody has added anything yet', async () => {
    const page = await request(appWith()).get('/');
    expect(page.text).to.contain('<p id="popular">Nobody has added anything yet.</p>');
  });

  describe("the visitor's text reaches SQL only as a bound parameter", () => {
    const items = [
      `it's "quoted"`,
      `'); DROP TABLE popular; --`,
      `tea', 1000); --`,
      '<script>alert("added")</script>',
    ];
    // As the templates escape text (eta's default).
    const ENTITIES: Record<string, string> = {
      '&': '&amp;',
      '<': '&lt;',
      '>': '&gt;',
      '"': '&quot;',
      "'": '&#39;',
    };
    const escaped = (text: string) => text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
    const tables = (path: string) => {
      const db = new DatabaseSync(path, { readOnly: true });
      try {
        const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all();
        return rows.map((row) => row.name).sort();
      } finally {
        db.close();
      }
    };

    it('stores quotes, SQL and markup as they were, shows them escaped, and leaves the tables be', async () => {
      const { db, path } = testDatabaseFile();
      const app = appWith(db);
      const visitor = request.agent(app);
      for (const item of items) expect((await addItem(visitor, item)).status).to.equal(303);
      expect(db.popular().map((row) => row.item)).to.have.members(items);
      expect(inFile(path).popular.map((row) => row.adds)).to.deep.equal([1, 1, 1, 1]);
      expect(tables(path)).to.deep.equal(['popular', 'site_counts']);

      const page = await request(app).get('/');
      for (const item of items) expect(page.text).to.contain(`<li>${escaped(item)} <span`);
      expect(page.text).not.to.contain('<script>alert');
    });

    it('refuses a NUL character, as every control character, before it reaches SQL', async () => {
      const db = testDatabase();
      const visitor = request.agent(appWith(db));
      expect((await addItem(visitor, 'a\0b')).status).to.equal(303);
      expect(flashes(await visitor.get('/'))).to.deep.equal([
        'error: An item cannot contain control characters.',
      ]);
      expect(db.popular()).to.deep.equal([]);
    });
  });

  describe('when another connection holds the lock longer than the busy timeout', () => {
    // The app's connection waits 50 ms (the server's waits 5 s); a connection of the
    // test's own holds the write lock throughout. Every page view writes: it counts a visit.
    let logged: string[];
    let holder: DatabaseSync;
    let app: ReturnType<typeof appWith>;
    const original = console.error;
    beforeEach(() => {
      const { db, path } = testDatabaseFile({ busyTimeout: 50 });
      app = appWith(db);
      holder = new DatabaseSync(path);
      holder.exec('BEGIN IMMEDIATE');
      logged = [];
      console.error = (...args: unknown[]) => logged.push(args.join(' '));
    });
    afterEach(() => {
      console.error = original;
      holder.close(); // which ends its transaction
    });
    const busy = 'The database is busy or unavailable; please try again in a moment.';

    it('answers a clear 503 page with Retry-After, and logs one line, without a stack trace', async () => {
      const res = await request(app).get('/').expect(503).expect('Retry-After', '1');
      expect(res.text).to.contain('<h1>503 Service Unavailable</h1>');
      expect(res.text).to.contain(`<p>${busy}</p>`);
      expect(logged).to.deep.equal([`GET / failed: 503 ${busy} (database is locked)`]);

      holder.exec('ROLLBACK'); // the lock is free again: so is the site
      expect(visitsIn(await request(app).get('/').expect(200))).to.equal(1);
    });

    it('leaves the cart as it was when it cannot count an add', async () => {
      holder.exec('ROLLBACK');
      const visitor = request.agent(app);
      expect((await addItem(visitor, 'tea')).status).to.equal(303);
      const page = await visitor.get('/');
      holder.exec('BEGIN IMMEDIATE');
      await visitor
        .post('/items')
        .type('form')
        .send({ _csrf: csrfFrom(page), item: 'cake' })
        .expect(503);
      holder.exec('ROLLBACK');
      expect(cart(await visitor.get('/'))).to.deep.equal(['tea']);
      expect(logged).to.have.length(1);
    });
  });
});

describe('visitors queued behind a lock that stays held', () => {
  // node:sqlite is synchronous: while one request waits for the lock, the whole process
  // waits, and the others queue. The app's connection waits 0.6 s here (the server's, 5 s).
  it('all get their 503 within about one busy timeout, and the site recovers when the lock is free', async function () {
    this.timeout(20_000);
    const busyTimeout = 600; // ms
    const { db, path } = testDatabaseFile({ busyTimeout });
    const server = createServer(appWith(db)).listen(0, '127.0.0.1');
    const holder = new DatabaseSync(path);
    const original = console.error;
    console.error = () => {}; // one line per 503: not this test's subject
    try {
      await once(server, 'listening');
      holder.exec('BEGIN IMMEDIATE');
      // Five page views (each counts a visit) and the stylesheet, all sent at once.
      const started = performance.now();
      const paths = ['/', '/', '/', '/', '/', '/static/style.css'];
      const answers = await Promise.all(
        paths.map(async (url) => {
          const { status } = await request(server).get(url);
          return { url, status, took: performance.now() - started };
        }),
      );
      expect(answers.map(({ status }) => status)).to.deep.equal([503, 503, 503, 503, 503, 200]);
      // The first waited the whole timeout; the others, queued behind it, not theirs too:
      // one after the other, the last would have come at least 4 timeouts after the first.
      // (Measured between the answers, so that a busy machine's delay, which they all
      // share, does not count; a loaded machine has been seen to spread them 1.7 timeouts.)
      // The first 503 came after most of a timeout (SQLite's busy handler sleeps in steps;
      // the first has been seen at 0.84 of it), not at once as without one (pitfall 4).
      const waited = answers.filter(({ status }) => status === 503).map(({ took }) => took);
      expect(Math.min(...waited)).to.be.at.least(busyTimeout * 0.75);
      const spread = Math.max(...waited) - Math.min(...waited);
      expect(spread, JSON.stringify(answers)).to.be.below(busyTimeout * 3);

      holder.exec('ROLLBACK');
      expect(visitsIn(await request(server).get('/').expect(200))).to.equal(1);
    } finally {
      console.error = original;
      holder.close();
      server.close();
    }
  });
});

// src/server.ts in real processes. Each starts once, as mocha begins.
let unwritable: string;
let refused: Server;
let refusedTwo: Server;
let restarted: { path: string; first: Server };
before(() => {
  // A path whose folder cannot be made: a plain file stands where the folder should be.
  unwritable = `${databasePath()}.not-a-folder`;
  writeFileSync(unwritable, '');
  const settings = { SESSION_KEYS: 'k', DATABASE_PATH: `${unwritable}/site.sqlite` };
  refused = startServer(settings);
  refusedTwo = startServer({ ...settings, WORKERS: '2' });
  const path = databasePath();
  restarted = { path, first: startServer({ DATABASE_PATH: path }) };
});
after(cleanUp);

describe('the database, with src/server.ts in real processes', function () {
  this.timeout(20_000); // on a busy machine, starting processes can take a while

  it('shows the same numbers whichever worker serves', async () => {
    const url = await stepWithTwoWorkers().server.url();
    const answers = await inTurn(4, () => fresh(url));
    expect(new Set(answers.map((answer) => answer.servedBy)).size).to.equal(2);
    const first = visitsIn(answers[0]);
    expect(answers.map(visitsIn)).to.deep.equal([first, first + 1, first + 2, first + 3]);

    const visitor = new Visitor(url);
    const page = await visitor.send('/');
    await visitor.send('/items', { method: 'POST', form: `_csrf=${csrfIn(page)}&item=fig` });
    const pages = await fromEveryWorker(() => fresh(url));
    for (const answer of pages) expect(popularIn(answer)).to.include('fig (1)');
  });

  const cannotOpen = (path: string) =>
    new RegExp(
      `^Cannot start: Cannot open the database at "${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}": ` +
        '[^\\n]+; set DATABASE_PATH to a file in a folder you can write\\n$',
    );

  it('refuses to start where it cannot create the file: one line, exit code 1', async () => {
    const [code] = await refused.exited;
    expect(code).to.equal(1);
    expect(refused.output.stderr).to.match(cannotOpen(`${unwritable}/site.sqlite`));
  });

  it('with WORKERS=2 too: one line, exit code 1, and no worker left behind', async () => {
    const [code] = await refusedTwo.exited;
    expect(code).to.equal(1);
    expect(refusedTwo.output.stderr).to.match(cannotOpen(`${unwritable}/site.sqlite`));
    expect(refusedTwo.output.stdout).not.to.match(/replacement|Serving/);
    const pids = [...refusedTwo.output.stdout.matchAll(/Worker (\d+)/g)].map(([, pid]) => +pid);
    await waitUntil(() => !pids.some(isRunning), 'no worker to be left');
  });

  it('with WORKERS=2, only the workers load node:sqlite, never the primary', async () => {
    // The shared server runs with the platform's probe (test/helpers/workers.ts). A worker
    // that another test made the primary replace loads it too: two lines or more.
    const { server } = stepWithTwoWorkers();
    const loads = () => sqliteLoads(server.output.stderr) ?? [];
    await waitUntil(() => loads().length >= 2, 'both workers to load node:sqlite');
    expect(new Set(loads())).to.deep.equal(new Set(['worker loads node:sqlite']));
  });

  it('keeps its data when it stops and starts again', async () => {
    const { path, first } = restarted;
    const url = await first.url();
    const visitor = new Visitor(url);
    const pages = await inTurn(3, () => visitor.send('/'));
    await visitor.send('/items', {
      method: 'POST',
      form: `_csrf=${csrfIn(pages[0])}&item=tea`,
    });
    first.child.kill('SIGTERM');
    expect((await first.exited)[0]).to.equal(0);

    const second = startServer({ DATABASE_PATH: path });
    const page = await fresh(await second.url());
    expect(visitsIn(page)).to.equal(4);
    expect(popularIn(page)).to.deep.equal(['tea (1)']);
  });
});
