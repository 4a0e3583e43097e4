// The cart's rules, in one place. Out of the cookie, the cart is no longer limited by the
// browser's 4 KB (step 02, pitfall 3); a store is not endless either: MAX_ITEMS at most.
export const MAX_ITEM_LENGTH = 100;
export const MAX_ITEMS = 20;

// What is wrong with adding `item` to `cart`, in words for the visitor; or nothing.
export function problemWith(item: string, cart: string[]): string | undefined {
  if (!item) return 'Enter an item to add.';
  if (item.length > MAX_ITEM_LENGTH)
    return `An item can be at most ${MAX_ITEM_LENGTH} characters long.`;
  if (/\p{Cc}/u.test(item)) return 'An item cannot contain control characters.';
  if (cart.length >= MAX_ITEMS) return 'Your cart is full.';
}
