// Flash messages: notes for the visitor to see on a *later* page, typically the one a
// form redirects to. They wait in the session, which outlives the request, until shown.
// The names follow Pyramid's flash(), pop_flash() and peek_flash(), queues and all.

export type FlashQueues = Partial<Record<string, string[]>>;

// koa-session's ctx.session, or a plain object in a unit test (src/session.ts checks
// the shape as the session is loaded, so these helpers trust it).
export interface FlashSession {
  flash?: FlashQueues;
}

// A queue keeps only its newest messages: many posts without a page load must not grow
// the session without end.
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
