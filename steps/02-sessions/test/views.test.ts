import { expect } from 'chai';
import type { Context } from 'koa';
import { TutorialViews } from '../src/views.ts';

// Unit tests: the view class alone, with a minimal fake context whose session is a
// plain object, and no HTTP.
const fakeContext = (session: object | null = {}) => ({ session }) as unknown as Context;

describe('TutorialViews', () => {
  it('keeps the context it was made with', () => {
    const ctx = fakeContext();
    expect(new TutorialViews(ctx).ctx).to.equal(ctx);
  });

  it('home() returns the Home View data', () => {
    expect(new TutorialViews(fakeContext()).home()).to.deep.equal({ name: 'Home View' });
  });

  it('hello() returns the Hello View data', () => {
    expect(new TutorialViews(fakeContext()).hello()).to.deep.equal({ name: 'Hello View' });
  });

  it('counter starts at 1 and counts each read in the session', () => {
    const session = {};
    const view = new TutorialViews(fakeContext(session));
    expect(view.counter).to.equal(1);
    expect(view.counter).to.equal(2);
    expect(session).to.deep.equal({ counter: 2 });
  });

  it('counter continues from the session of an earlier request', () => {
    expect(new TutorialViews(fakeContext({ counter: 41 })).counter).to.equal(42);
  });

  it('counter says what is missing when there is no session', () => {
    expect(() => new TutorialViews(fakeContext(null)).counter).to.throw(
      TypeError,
      'install the session middleware',
    );
  });
});
