import { expect } from 'chai';
import { isSessionData } from '../src/session.ts';

// Unit tests of the one check of the session's shape (src/session.ts), made as the
// session is loaded from the store: what this app writes passes, anything else fails.
describe('isSessionData', () => {
  it('accepts what this app writes, including an empty session and a count of 0', () => {
    expect(isSessionData({})).to.equal(true);
    expect(isSessionData({ counter: 0 })).to.equal(true);
    expect(
      isSessionData({
        counter: 3,
        csrf: 'token',
        flash: { info: ['Added'], error: [] },
        _expire: 1_700_000_000_000,
        _maxAge: 86_400_000,
      }),
    ).to.equal(true);
  });

  it('refuses what is not an object', () => {
    for (const data of [null, undefined, 'text', 5, [1, 2]])
      expect(isSessionData(data)).to.equal(false);
  });

  it('refuses a key it does not know, and a known key of the wrong type', () => {
    for (const data of [
      { history: [] },
      { counter: -1 },
      { counter: 1.5 },
      { items: ['tea'] }, // the cart is no longer in the session
      { csrf: {} },
      { flash: null },
      { flash: ['Added'] },
      { flash: { info: ['Added', 5] } },
      { flash: { info: ['Added'], error: 'Oops' } },
      { _expire: 'soon' },
    ]) {
      expect(isSessionData(data), JSON.stringify(data)).to.equal(false);
    }
  });
});
