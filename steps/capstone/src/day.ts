// What day it is, for the "Popular today" list: the date in UTC, as YYYY-MM-DD. One clock
// for the whole site, whichever machine answers and wherever the visitor is.
export const utcDay = (now = new Date()) => now.toISOString().slice(0, 10);

// TODAY=2026-12-02 makes every request of the server fall on that day (a demo, a test of
// the real server); unset, each request gets the real date. Checked at start-up.
export function dayFrom(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const time = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : NaN;
  if (Number.isNaN(time) || utcDay(new Date(time)) !== value) {
    const shown = JSON.stringify(value);
    throw new Error(
      `TODAY must be a date written YYYY-MM-DD, such as 2026-12-02, not ${shown}`,
    );
  }
  return value;
}
