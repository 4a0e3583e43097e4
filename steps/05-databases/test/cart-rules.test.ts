import { expect } from 'chai';
import { MAX_CART_BYTES, MAX_ITEM_LENGTH, MAX_ITEMS, problemWith } from '../src/cart.ts';

// Unit tests of the cart's rules, at their exact limits: one more is one too many.
const bytes = (cart: string[]) => Buffer.byteLength(JSON.stringify(cart));

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

  it(`accepts a cart of exactly ${MAX_CART_BYTES} bytes as JSON, and refuses one byte more`, () => {
    const cart = Array(4).fill('茶'.repeat(MAX_ITEM_LENGTH)); // 3 bytes a character
    const room = MAX_CART_BYTES - bytes([...cart, '']); // bytes left for one more item's text
    // `room` bytes in at most MAX_ITEM_LENGTH characters: some 3-byte ones, the rest 1-byte.
    const wide = Math.ceil((room - MAX_ITEM_LENGTH) / 2);
    const exact = '茶'.repeat(wide) + 'x'.repeat(room - 3 * wide);
    const oneByteMore = '茶'.repeat(wide + 1) + 'x'.repeat(room - 3 * wide - 2);
    expect(bytes([...cart, exact])).to.equal(MAX_CART_BYTES);
    expect(bytes([...cart, oneByteMore])).to.equal(MAX_CART_BYTES + 1);
    expect(problemWith(exact, cart)).to.equal(undefined);
    expect(problemWith(oneByteMore, cart)).to.equal('Your cart is full.');
  });

  it('refuses an empty item, and an item with a control character', () => {
    expect(problemWith('', [])).to.equal('Enter an item to add.');
    expect(problemWith('tea\u0007', [])).to.equal('An item cannot contain control characters.');
  });
});
