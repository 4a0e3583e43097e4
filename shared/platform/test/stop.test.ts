import { expect } from 'chai';
import { orStop } from '../src/index.ts';

// orStop with process.exit and console.error replaced for the test (the fixture server's
// tests see the real thing: one line on stderr, exit code 1).
describe('orStop', () => {
  const exit = process.exit;
  const error = console.error;
  let printed: string[];
  class Exited extends Error {}
  beforeEach(() => {
    printed = [];
    console.error = (line: string) => void printed.push(line);
    process.exit = ((code?: number) => {
      throw new Exited(`exit ${code}`);
    }) as typeof process.exit;
  });
  afterEach(() => {
    process.exit = exit;
    console.error = error;
  });

  it('returns what a start-up step returns, or resolves to it', async () => {
    expect(orStop(() => 42)).to.equal(42);
    expect(await orStop(async () => 'ready')).to.equal('ready');
    expect(printed).to.deep.equal([]);
  });

  it('stops the start in one line, exit code 1, when the step throws', () => {
    expect(() =>
      orStop(() => {
        throw new Error('PORT must be a number');
      }),
    ).to.throw(Exited, 'exit 1');
    expect(printed).to.deep.equal(['Cannot start: PORT must be a number']);
  });

  it('stops the start in one line, exit code 1, when the step rejects', async () => {
    const stopped = orStop(() => Promise.reject(new Error('Redis cannot be reached')));
    await stopped.then(
      () => expect.fail('resolved'),
      (thrown: unknown) => expect(thrown).to.be.an.instanceOf(Exited),
    );
    expect(printed).to.deep.equal(['Cannot start: Redis cannot be reached']);
  });
});
