import { expect } from 'chai';
import { MAX_ITEM_LENGTH, MAX_ITEMS, problemWith } from '../src/cart.ts';

// Unit tests of the cart's rules, at their exact limits: one more is one too many.

describe('problemWith (the cart’s rules)', () => {
  it(`accepts an item of exactly ${MAX_ITEM_LENGTH} characters, and refuses one more`, () => {
    expect(problemWith('x'.repeat(MAX_ITEM_LENGTH), [])).to.equal(undefined);
    expect(problemWith('x'.repeat(MAX_ITEM_LENGTH + 1), [])).to.equal(
      `An item can be at most ${MAX_ITEM_LENGTH} characters long.`,
    );
  });

  it(`accepts item number ${MAX_ITEMS}, and refuses number ${MAX_ITEMS + 1}`, () => {
    const almostFull = Array.from({ length: MAX_ITEMS - 1 }, (_, index) => `item ${index}`);
    expect(problemWith('last', almostFull)).to.equal(undefined);
    expect(problemWith('one too many', [...almostFull, 'last'])).to.equal('Your cart is full.');
  });

  it('refuses an empty item, and an item with a control character', () => {
    expect(problemWith('', [])).to.equal('Enter an item to add.');
    expect(problemWith('tea\u0007', [])).to.equal('An item cannot contain control characters.');
  });
});
