import { expect } from 'chai';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { testDatabase } from './helpers/database.ts';

// This step's own setting, REDIS_URL; the platform's are tested with the platform.
// loadConfig reads a plain object, so these tests pass one instead of touching process.env.
const quiet = () => {};

describe('loadConfig', () => {
  it('gives, with nothing set, a development configuration that builds an app', () => {
    const config = loadConfig({}, quiet);
    expect(config.redisUrl).to.equal(undefined); // sessions in SQLite
    expect(() => createApp({ ...config, db: testDatabase() })).to.not.throw();
  });

  it('reads REDIS_URL, a redis:// or rediss:// address, for sessions kept in Redis', () => {
    for (const url of [
      'redis://127.0.0.1:6379',
      'redis://localhost',
      'redis://[::1]:6379/',
      'rediss://user:secret@cache.example:6380/1',
      'redis://:secret@127.0.0.1:65535/15',
    ])
      expect(loadConfig({ REDIS_URL: url }, quiet).redisUrl).to.equal(url);
    expect(loadConfig({ REDIS_URL: '' }, quiet).redisUrl).to.equal(undefined);
  });

  // Every refusal, and what each says, is tested with the platform's reader (redisUrlFrom).
  it('refuses a REDIS_URL that is not a Redis address, in one line that shows one', () => {
    expect(() => loadConfig({ REDIS_URL: 'http://127.0.0.1:6379' }, quiet)).to.throw(
      'REDIS_URL must be a redis:// or rediss:// address, such as redis://127.0.0.1:6379',
    );
  });
});
