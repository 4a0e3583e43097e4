import { expect } from 'chai';
import {
  crashStreak,
  FIRST_RESTART_DELAY,
  MAX_RESTART_DELAY,
  restartDelay,
  STABLE_AFTER,
} from '../src/index.ts';

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

describe('crashStreak', () => {
  it('waits longer after each death in a row, while no replacement serves for long', () => {
    const streak = crashStreak();
    streak.serving(0);
    const delays = [1000, 1100, 1300, 1700].map((now) => {
      const delay = streak.died(now);
      streak.serving(now + delay + 50); // the replacement starts, and dies soon after
      return delay;
    });
    expect(delays).to.deep.equal([0, 1, 2, 4].map((n) => n * FIRST_RESTART_DELAY));
  });

  it('ends the streak once the newest worker has served STABLE_AFTER with no death', () => {
    const streak = crashStreak();
    streak.serving(0);
    streak.died(1000);
    streak.serving(1000);
    expect(streak.died(1000 + STABLE_AFTER - 1)).to.equal(FIRST_RESTART_DELAY);
    streak.serving(20_000);
    expect(streak.died(20_000 + STABLE_AFTER)).to.equal(0);
  });

  it('is not ended by an older worker that keeps serving while another keeps dying', () => {
    const streak = crashStreak();
    streak.serving(0); // a healthy worker, serving all along
    streak.serving(10); // the one that will keep dying
    // Its replacements die 50 ms after they start, for longer than STABLE_AFTER.
    let now = 1000;
    const delays: number[] = [];
    while (now < 1000 + 6 * STABLE_AFTER) {
      const delay = streak.died(now);
      delays.push(delay);
      now += delay + 10;
      streak.serving(now);
      now += 50;
    }
    expect(delays.slice(1)).not.to.include(0); // never back to an immediate replacement
    expect(delays).to.deep.equal([...delays].sort((a, b) => a - b));
    expect(delays.at(-1)).to.equal(MAX_RESTART_DELAY);
  });

  it('does not end the streak for a replacement that dies before it serves', () => {
    const streak = crashStreak();
    streak.serving(0);
    streak.died(STABLE_AFTER * 2); // the first death of a streak: replaced at once
    expect(streak.died(STABLE_AFTER * 5)).to.equal(FIRST_RESTART_DELAY); // none served since
  });
});
