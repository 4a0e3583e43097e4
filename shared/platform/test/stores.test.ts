import { expect } from 'chai';
import { mock } from 'node:test';
import { every, storedObject } from '../src/index.ts';

describe('storedObject', () => {
  it('gives back the object a store saved as JSON', () => {
    expect(storedObject('{"counter":2,"flash":{}}')).to.deep.equal({ counter: 2, flash: {} });
  });

  it('reads anything else as no session: nothing stored, not JSON, not an object', () => {
    for (const stored of [
      null,
      undefined,
      '',
      'revoked',
      '{"counter":',
      '42',
      '"text"',
      'null',
      '[1,2]',
    ])
      expect(storedObject(stored), String(stored)).to.equal(undefined);
  });
});

describe('every', () => {
  it('runs on a timer that keeps no process running', () => {
    const timer = every(60_000, () => {}, 'Nothing');
    expect(timer.hasRef()).to.equal(false);
    clearInterval(timer);
  });

  describe('with a mocked clock', () => {
    let errors: string[];
    beforeEach(() => {
      mock.timers.enable({ apis: ['setInterval'] });
      errors = [];
      mock.method(console, 'error', (line: string) => errors.push(line));
    });
    afterEach(() => {
      mock.timers.reset();
      mock.restoreAll();
    });

    it('runs the chore every ms, not before', () => {
      let runs = 0;
      const timer = every(1000, () => (runs += 1), 'Counting');
      mock.timers.tick(999);
      expect(runs).to.equal(0);
      mock.timers.tick(1);
      expect(runs).to.equal(1);
      mock.timers.tick(2000);
      expect(runs).to.equal(3);
      clearInterval(timer);
    });

    it('logs a failure in one line and tries again at the next run', () => {
      let runs = 0;
      const timer = every(
        10,
        () => {
          runs += 1;
          if (runs === 1) throw new Error('database is locked');
        },
        'Could not remove expired sessions',
      );
      mock.timers.tick(20);
      expect(runs).to.equal(2);
      expect(errors).to.deep.equal(['Could not remove expired sessions: database is locked']);
      clearInterval(timer);
    });
  });
});
