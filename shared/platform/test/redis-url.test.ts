import { expect } from 'chai';
import { redisUrlFrom } from '../src/index.ts';

// REDIS_URL, read by redisUrlFrom (src/readers.ts) for the steps that keep sessions in Redis.
describe('redisUrlFrom', () => {
  it('reads a redis:// or rediss:// address; unset or empty is no Redis', () => {
    for (const url of [
      'redis://127.0.0.1:6379',
      'redis://localhost',
      'redis://[::1]:6379/',
      'rediss://user:secret@cache.example:6380/1',
      'redis://:secret@127.0.0.1:65535/15',
    ])
      expect(redisUrlFrom(url)).to.equal(url);
    expect(redisUrlFrom('')).to.equal(undefined);
    expect(redisUrlFrom(undefined)).to.equal(undefined);
  });

  // What each refusal says, then how a correct address looks.
  const usage = 'such as redis://127.0.0.1:6379 or redis://user:password@host:6379/1';
  for (const [url, problem] of [
    ['127.0.0.1:6379', 'REDIS_URL must be a redis:// or rediss:// address'],
    ['http://127.0.0.1:6379', 'REDIS_URL must be a redis:// or rediss:// address'],
    ['redis://', 'REDIS_URL must be a redis:// or rediss:// address'],
    ['redis://a b', 'REDIS_URL must be a redis:// or rediss:// address'],
    ['redis://127.0.0.1:six', 'REDIS_URL must be a redis:// or rediss:// address'],
    ['redis://127.0.0.1:99999', "REDIS_URL's port must be from 1 to 65535"],
    ['redis://[::1]:65536/0', "REDIS_URL's port must be from 1 to 65535"],
    ['redis://127.0.0.1:0', "REDIS_URL's port must be from 1 to 65535"],
    ['redis://127.0.0.1:6379/one', 'REDIS_URL may end in a database number, and nothing else'],
    ['redis://127.0.0.1:6379/1/2', 'REDIS_URL may end in a database number, and nothing else'],
    ['redis://127.0.0.1:6379?db=1', 'REDIS_URL may end in a database number, and nothing else'],
  ])
    it(`refuses REDIS_URL=${JSON.stringify(url)}, naming the setting and what it accepts`, () => {
      expect(() => redisUrlFrom(url)).to.throw(
        `${problem}, ${usage}, not ${JSON.stringify(url)}`,
      );
    });

  it('refuses a REDIS_URL without showing its password', () => {
    expect(() => redisUrlFrom('redis://me:s3cret@host:99999')).to.throw(
      `not "redis://me:****@host:99999"`,
    );
  });
});
