// The cart's rules, in one place. The limits keep the cart, and so the session cookie,
// well under the 4 KB browsers keep (step 02, pitfall 3), with room left for the flash
// messages. Bytes as well as items: "茶" is one character but 3 bytes.
export const MAX_ITEM_LENGTH = 100;
export const MAX_ITEMS = 20;
export const MAX_CART_BYTES = 1500;

// What is wrong with adding `item` to `cart`, in words for the visitor; or nothing.
export function problemWith(item: string, cart: string[]): string | undefined {
  if (!item) return 'Enter an item to add.';
  if (item.length > MAX_ITEM_LENGTH)
    return `An item can be at most ${MAX_ITEM_LENGTH} characters long.`;
  if (/\p{Cc}/u.test(item)) return 'An item cannot contain control characters.';
  const after = [...cart, item];
  if (after.length > MAX_ITEMS || Buffer.byteLength(JSON.stringify(after)) > MAX_CART_BYTES) {
    return 'Your cart is full.';
  }
}
