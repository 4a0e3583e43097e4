// Flash messages: notes for the visitor that must appear on a *later* page, typically
// the one a form redirects to. They wait in the session, which outlives the request,
// and are removed when they are shown. The names follow Pyramid's session.flash(),
// session.pop_flash() and session.peek_flash(); queues keep kinds of message apart.

export type FlashQueues = Partial<Record<string, string[]>>;

// Anything with an optional `flash` property: koa-session's ctx.session, or a plain
// object in a unit test.
export interface FlashSession {
  flash?: FlashQueues;
}

// A queue as it is in the session, trusting nothing: the cookie may have been written
// by an older version of the app.
function queueIn(session: FlashSession, queue: string): string[] {
  const messages: unknown = session.flash?.[queue];
  return Array.isArray(messages) ? messages.filter((message) => typeof message === 'string') : [];
}

// Queue a message for a later page.
export function flash(session: FlashSession, message: string, queue = 'info'): void {
  session.flash = { ...session.flash, [queue]: [...queueIn(session, queue), message] };
}

// The messages waiting in a queue, oldest first, without removing them.
export function peekFlash(session: FlashSession, queue = 'info'): string[] {
  return queueIn(session, queue);
}

// The messages waiting in a queue, oldest first, removed from the session: each is
// shown once. An emptied queue is deleted, so the cookie carries nothing it needn't.
export function popFlash(session: FlashSession, queue = 'info'): string[] {
  const messages = queueIn(session, queue);
  if (session.flash) {
    const { [queue]: _popped, ...rest } = session.flash; // eslint-disable-line @typescript-eslint/no-unused-vars
    if (Object.keys(rest).length) session.flash = rest;
    else delete session.flash;
  }
  return messages;
}
