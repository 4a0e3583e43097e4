// An async stand-in (for a lookup, a save) that holds every caller until `count`
// callers are waiting, then lets them all go: the requests that call it are certain
// to overlap, on any machine, at any speed.
export function overlapping(count: number) {
  const waiting: Array<() => void> = [];
  return () =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      if (waiting.length === count) waiting.forEach((release) => release());
    });
}
