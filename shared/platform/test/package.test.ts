import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as source from '../src/index.ts';
import * as redisSource from '../src/redis.ts';
import * as sqliteSource from '../src/sqlite.ts';
import { platformDir } from './helpers/server.ts';

// What a fresh Node process resolves while it imports `specifier`, and then runs `then`
// with the module as `imported`: every module name.
function resolvedBy(specifier: string, then = ''): string[] {
  const code = `
    import { registerHooks } from 'node:module';
    const seen = [];
    registerHooks({ resolve: (name, context, next) => (seen.push(name), next(name, context)) });
    const imported = await import(${JSON.stringify(specifier)});
    ${then}
    console.log(JSON.stringify(seen));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    cwd: platformDir,
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (child.status !== 0) throw new Error(`import ${specifier} failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as string[];
}

// The steps import the platform by its name, through the workspace's link in
// node_modules: Node strips the types of its .ts files there too.
describe('@course/platform', () => {
  it('is what src/index.ts exports, imported by its name', async () => {
    const byName = await import('@course/platform');
    expect(Object.keys(byName).sort()).to.deep.equal(Object.keys(source).sort());
    expect(byName.serve).to.be.a('function');
  });

  it('keeps SQLite in its own entry point, @course/platform/sqlite', async () => {
    const byName = await import('@course/platform/sqlite');
    expect(Object.keys(byName).sort()).to.deep.equal(Object.keys(sqliteSource).sort());
  });

  it('keeps Redis in its own entry point, @course/platform/redis', async () => {
    const byName = await import('@course/platform/redis');
    expect(Object.keys(byName).sort()).to.deep.equal(Object.keys(redisSource).sort());
  });

  // A process that serves nothing (a cluster's primary) or has no database never loads
  // node:sqlite, whose warning Node 22, and 24 before 24.15, print in each process that
  // does; and a step without Redis never loads its client, nor does a server that does
  // not connect to Redis.
  it('loads node:sqlite and redis only through their own entry points', function () {
    this.timeout(20_000);
    const core = resolvedBy('@course/platform');
    expect(core).to.include('eta'); // what it does load, so that the list is not empty
    expect(core).not.to.include('node:sqlite');
    expect(core).not.to.include('redis');
    expect(resolvedBy('@course/platform/sqlite')).to.include('node:sqlite');
  });

  it('loads the Redis client when connectRedis connects, not as it is imported', function () {
    this.timeout(20_000);
    expect(resolvedBy('@course/platform/redis')).not.to.include('redis');
    // A port where nothing listens: the connection fails, once the client has loaded.
    const connect = `await imported.connectRedis('redis://127.0.0.1:1', { startupTimeout: 200, log() {} }).catch(() => {});`;
    expect(resolvedBy('@course/platform/redis', connect)).to.include('redis');
  });
});
