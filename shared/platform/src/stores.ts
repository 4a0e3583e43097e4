// What a server-side session store needs besides its storage (step 06 on): a stored
// session read back safely, and a chore (removing expired sessions) run in the background.

// A stored session, back from its JSON. Anything else (not JSON, not an object: an older
// version's data, a bug, a hand edit) is no session, so the visitor starts afresh.
export function storedObject(json: string | null | undefined): object | undefined {
  try {
    const data: unknown = JSON.parse(json ?? '');
    return typeof data === 'object' && data !== null && !Array.isArray(data) ? data : undefined;
  } catch {
    return undefined;
  }
}

// Runs `chore` (synchronous, such as a SQLite statement) every `ms` on a timer that keeps
// no process running. A failure is logged in one line, `${what}: ${message}`, and the next
// run tries again.
export function every(ms: number, chore: () => void, what: string): NodeJS.Timeout {
  return setInterval(() => {
    try {
      chore();
    } catch (error) {
      console.error(`${what}: ${(error as Error).message}`);
    }
  }, ms).unref();
}
