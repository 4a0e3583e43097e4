import { expect } from 'chai';
import { flash, MAX_MESSAGES, peekFlash, popFlash } from '../src/flash.ts';
import type { FlashSession } from '../src/flash.ts';

// Unit tests of the flash helper with a plain object for a session.
describe('flash messages', () => {
  it('queue in order and pop oldest first', () => {
    const session: FlashSession = {};
    flash(session, 'first');
    flash(session, 'second');
    expect(popFlash(session)).to.deep.equal(['first', 'second']);
  });

  it('are gone once popped, and leave nothing behind in the session', () => {
    const session: FlashSession = {};
    flash(session, 'once');
    popFlash(session);
    expect(popFlash(session)).to.deep.equal([]);
    expect(session).to.deep.equal({});
  });

  it('stay in the session when peeked', () => {
    const session: FlashSession = {};
    flash(session, 'still here');
    expect(peekFlash(session)).to.deep.equal(['still here']);
    expect(popFlash(session)).to.deep.equal(['still here']);
  });

  it('keep named queues apart', () => {
    const session: FlashSession = {};
    flash(session, 'Saved.');
    flash(session, 'Name is required.', 'error');
    expect(popFlash(session, 'error')).to.deep.equal(['Name is required.']);
    expect(session).to.deep.equal({ flash: { info: ['Saved.'] } });
    expect(popFlash(session, 'info')).to.deep.equal(['Saved.']);
  });

  it('pop an empty list from a queue that was never used', () => {
    expect(popFlash({}, 'warning')).to.deep.equal([]);
    expect(peekFlash({})).to.deep.equal([]);
  });

  it(`keep only the newest ${MAX_MESSAGES} messages of a queue`, () => {
    const session: FlashSession = {};
    for (let n = 1; n <= MAX_MESSAGES + 2; n += 1) flash(session, `message ${n}`);
    flash(session, 'an error', 'error');
    expect(popFlash(session)).to.deep.equal(
      Array.from({ length: MAX_MESSAGES }, (_, index) => `message ${index + 3}`),
    );
    expect(popFlash(session, 'error')).to.deep.equal(['an error']);
  });

  it('hand out copies, so changing what was peeked changes nothing', () => {
    const session: FlashSession = {};
    flash(session, 'original');
    peekFlash(session).push('added');
    expect(peekFlash(session)).to.deep.equal(['original']);
  });
});
