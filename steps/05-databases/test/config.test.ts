import { resolve } from 'node:path';
import { expect } from 'chai';
import { DEV_SESSION_KEY } from '@course/platform';
import { createApp } from '../src/app.ts';
import { DEFAULT_DATABASE, DEFAULT_NOTICE_FILE, loadConfig } from '../src/config.ts';
import { testDatabase } from './helpers/database.ts';

// loadConfig reads a plain object, so these tests pass one instead of touching process.env.
// The platform's settings (PORT, SHUTDOWN_TIMEOUT, SESSION_KEYS, WORKERS, HTTPS) are
// tested in shared/platform; here, this step's own: NOTICE_FILE and DATABASE_PATH.
const quiet = () => {};

describe('loadConfig', () => {
  it("has defaults for everything: the platform's, one process, the step's notice.txt and database", () => {
    expect(loadConfig({}, quiet)).to.deep.include({
      env: 'development',
      port: 6543,
      keys: [DEV_SESSION_KEY],
      workers: 1,
      noticeFile: DEFAULT_NOTICE_FILE,
      databasePath: DEFAULT_DATABASE,
    });
  });

  it('reads NOTICE_FILE relative to the folder the server starts in', () => {
    expect(loadConfig({ NOTICE_FILE: 'notes/notice.txt' }, quiet).noticeFile).to.equal(
      resolve('notes/notice.txt'),
    );
    expect(loadConfig({ NOTICE_FILE: '/srv/notice.txt' }, quiet).noticeFile).to.equal(
      resolve('/srv/notice.txt'),
    );
  });

  it('reads WORKERS, and refuses a bad value with a message', () => {
    expect(loadConfig({ WORKERS: '2' }, quiet).workers).to.equal(2);
    expect(() => loadConfig({ WORKERS: 'two' }, quiet)).to.throw(/^WORKERS must be/);
  });

  it('gives, with nothing set, a development configuration that builds an app', () => {
    expect(() => createApp({ ...loadConfig({}, quiet), db: testDatabase() })).to.not.throw();
  });

  it('reads DATABASE_PATH relative to the folder the server starts in', () => {
    expect(loadConfig({ DATABASE_PATH: 'site.sqlite' }, quiet).databasePath).to.equal(
      resolve('site.sqlite'),
    );
  });
});
