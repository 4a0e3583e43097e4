// Flash messages: notes for the visitor that must appear on a *later* page, typically
// the one a form redirects to. They wait in the session, which outlives the request,
// and are removed when they are shown. The names follow Pyramid's session.flash(),
// session.pop_flash() and session.peek_flash(); queues keep kinds of message apart.

export type FlashQueues = Partial<Record<string, string[]>>;

// Anything with an optional `flash` property: koa-session's ctx.session, or a plain
// object in a unit test. The session's shape is checked where it is loaded
// (src/session.ts), so these helpers trust it.
export interface FlashSession {
  flash?: FlashQueues;
}

// A queue keeps only its newest messages: a visitor who posts many forms without
// loading a page must not grow the session cookie past what browsers keep.
export const MAX_MESSAGES = 3;

// Queue a message for a later page.
export function flash(session: FlashSession, message: string, queue = 'info'): void {
  const messages = [...(session.flash?.[queue] ?? []), message].slice(-MAX_MESSAGES);
  session.flash = { ...session.flash, [queue]: messages };
}

// The messages waiting in a queue, oldest first, without removing them.
export function peekFlash(session: FlashSession, queue = 'info'): string[] {
  return [...(session.flash?.[queue] ?? [])];
}

// The messages waiting in a queue, oldest first, removed from the session: each is
// shown once. An emptied queue is deleted, so the cookie carries nothing it needn't.
export function popFlash(session: FlashSession, queue = 'info'): string[] {
  const messages = peekFlash(session, queue);
  if (session.flash) {
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { [queue]: _popped, ...rest } = session.flash;
    if (Object.keys(rest).length) session.flash = rest;
    else delete session.flash;
  }
  return messages;
}
