// Flash messages: notes for a *later* page (the one a form redirects to), kept in the
// session until shown. Named after Pyramid's flash(), pop_flash() and peek_flash().

export type FlashQueues = Partial<Record<string, string[]>>;
// koa-session's ctx.session, or a plain object in a unit test (src/session.ts checks
// the shape as the session is loaded, so these helpers trust it).
export type FlashSession = { flash?: FlashQueues };

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
// shown once. An emptied queue is deleted, so the session keeps nothing it needn't.
export function popFlash(session: FlashSession, queue = 'info'): string[] {
  const messages = peekFlash(session, queue);
  delete session.flash?.[queue];
  if (session.flash && !Object.keys(session.flash).length) delete session.flash;
  return messages;
}
