import { expect } from 'chai';
import type { Context } from 'koa';
import { TutorialViews } from '../src/views.ts';

// Unit tests: the view class alone, with a minimal fake context and no HTTP.
const fakeContext = () => ({}) as Context;

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
});
