import { expect } from 'chai';
import { FIRST_RESTART_DELAY, MAX_RESTART_DELAY, restartDelay } from '../src/cluster.ts';

describe('restartDelay', () => {
  it('replaces the first worker to die at once', () => {
    expect(restartDelay(0)).to.equal(0);
  });

  it('waits twice as long after each death in a row, up to a limit', () => {
    const delays = Array.from({ length: 12 }, (_, crashes) => restartDelay(crashes + 1));
    expect(delays.slice(0, 4)).to.deep.equal([1, 2, 4, 8].map((n) => n * FIRST_RESTART_DELAY));
    expect(Math.max(...delays)).to.equal(MAX_RESTART_DELAY);
    expect(delays).to.deep.equal([...delays].sort((a, b) => a - b));
  });
});
