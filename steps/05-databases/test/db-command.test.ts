import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { expect } from 'chai';
import { DatabaseSync } from 'node:sqlite';
import { MIGRATIONS } from '../src/db.ts';
import { USAGE, runDbCommand } from '../tools/db.ts';
import { changeFile, databasePath, inFile, testDatabaseFile } from './helpers/database.ts';
import { cleanUp, withoutSqliteWarning } from './helpers/server.ts';
import { fresh, fromEveryWorker, stepWithTwoWorkers, visitsIn } from './helpers/workers.ts';

// `npm run db -- show | reset`, called as a function, with what it prints kept; and once
// as a real command, beside a running server.
after(cleanUp); // that server, and every other this run started, even after a failure

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

describe('npm run db', () => {
  it('show: the visits, and every item added, most added first, quoted', () => {
    const { db: site, path } = testDatabaseFile();
    for (const item of ['tea', 'cake', 'tea', 'it\'s "quoted"', 'tea', 'cake'])
      site.countAdd(item);
    site.countVisit();
    site.countVisit();
    expect(db(['show'], path)).to.deep.equal({
      code: 0,
      printed: [
        `Database: ${path}`,
        'Visits to this site: 2',
        'Popular with everyone (times added, item):',
        '      3  "tea"',
        '      2  "cake"',
        '      1  "it\'s \\"quoted\\""',
      ],
      failed: [],
    });
  });

  it('show: says so when nothing has been added', () => {
    const { path } = testDatabaseFile();
    expect(db(['show'], path).printed.slice(1)).to.deep.equal([
      'Visits to this site: 0',
      'Popular with everyone: nothing added yet',
    ]);
  });

  it('shows a path below the current folder as a relative one, as the reader would type it', () => {
    const path = `${process.cwd()}/data/not-made-by-this-test.sqlite`;
    const { printed } = db(['show'], path);
    expect(printed[0]).to.equal(`Database: ${relative(process.cwd(), path)}`);
  });

  it('show and reset: make no database where there is none yet', () => {
    const path = databasePath();
    for (const command of ['show', 'reset']) {
      expect(db([command], path)).to.deep.equal({
        code: 0,
        printed: [
          `Database: ${path}`,
          'No database there yet: the server makes it when it starts.',
        ],
        failed: [],
      });
    }
    expect(existsSync(path)).to.equal(false);
  });

  it('reset: visits back to 0 and the popular list emptied, in the file the server keeps open', () => {
    const { db: site, path } = testDatabaseFile(); // as a running server holds it
    site.countAdd('tea');
    site.countAdd('cake');
    for (let i = 0; i < 5; i++) site.countVisit();
    expect(db(['reset'], path)).to.deep.equal({
      code: 0,
      printed: [`Database: ${path}`, 'Reset: visits 5 → 0; 2 popular items removed'],
      failed: [],
    });
    expect(inFile(path)).to.deep.equal({ visits: 0, popular: [] });
    // The server's connection and its prepared statements carry on with the new numbers.
    expect(site.countVisit()).to.equal(1);
    expect(site.popular()).to.deep.equal([]);
  });

  it('reset: says "item" for one item, and keeps the file, its tables and its version', () => {
    const { db: site, path } = testDatabaseFile();
    site.countAdd('tea');
    expect(db(['reset'], path).printed[1]).to.equal(
      'Reset: visits 0 → 0; 1 popular item removed',
    );
    const file = new DatabaseSync(path, { readOnly: true });
    try {
      const version = file.prepare('PRAGMA user_version').get()?.user_version;
      expect(version).to.equal(MIGRATIONS.length);
    } finally {
      file.close();
    }
  });

  it('reset: all or nothing; a reset that fails half-way changes nothing', () => {
    const { db: site, path } = testDatabaseFile();
    site.countAdd('tea');
    site.countVisit();
    // Something refuses the second half (the DELETE), after the first has run.
    changeFile(
      path,
      "CREATE TRIGGER keep BEFORE DELETE ON popular BEGIN SELECT RAISE(ABORT, 'kept'); END",
    );
    const { code, printed, failed } = db(['reset'], path);
    expect({ code, printed, failed }).to.deep.equal({
      code: 1,
      printed: [`Database: ${path}`],
      failed: ['kept'],
    });
    expect(inFile(path)).to.deep.equal({ visits: 1, popular: [{ item: 'tea', adds: 1 }] });
    expect(site.countVisit()).to.equal(2); // the lock was released
  });

  it('brings an older file up to date first, as the server would', () => {
    const path = databasePath();
    changeFile(path, 'PRAGMA journal_mode = WAL'); // a database file, with no tables yet
    expect(db(['show'], path).printed[1]).to.equal('Visits to this site: 0');
  });

  it('says in one line what is wrong with a file it cannot open, and exits with 1', () => {
    const path = databasePath();
    writeFileSync(path, 'these bytes are not a database '.repeat(100));
    const { code, printed, failed } = db(['show'], path);
    expect(code).to.equal(1);
    expect(printed).to.deep.equal([`Database: ${path}`]);
    expect(failed).to.have.length(1);
    expect(failed[0]).to.match(/^Cannot open the database at ".*": file is not a database; /);
  });

  it('explains itself in its usage', () => {
    expect(USAGE).to.match(/^usage: npm run db -- show \| reset\n/);
  });

  for (const args of [[], ['drop'], ['show', 'everything'], ['--help']]) {
    it(`answers ${JSON.stringify(args)} with its usage, and exit code 2`, () => {
      expect(db(args, databasePath())).to.deep.equal({ code: 2, printed: [], failed: [USAGE] });
    });
  }
});

describe('npm run db, as a command beside a running server', function () {
  this.timeout(20_000); // on a busy machine, starting processes can take a while

  it('reset: the next page, whichever worker serves it, starts again from 1', async () => {
    const { server } = stepWithTwoWorkers();
    const url = await server.url();
    await fresh(url);
    changeFile(server.databasePath, "INSERT INTO popular VALUES ('tea', 3)");
    const command = spawn(process.execPath, ['tools/db.ts', 'reset'], {
      cwd: new URL('..', import.meta.url),
      env: { ...process.env, DATABASE_PATH: server.databasePath },
    });
    let output = '';
    command.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    command.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const [code] = await once(command, 'exit');
    expect(code).to.equal(0);
    expect(withoutSqliteWarning(output)).to.match(
      /^Database: .+\nReset: visits \d+ → 0; \d+ popular items? removed\n$/,
    );
    const pages = await fromEveryWorker(() => fresh(url));
    expect(pages.map(visitsIn)).to.deep.equal(pages.map((_, i) => i + 1));
    for (const page of pages) expect(page.text).to.contain('Nobody has added anything yet.');
  });
});
