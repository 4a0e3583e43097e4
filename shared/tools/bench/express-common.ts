// What both comparison apps (express-flash.ts, express-stores.ts) share: the work of the
// course's home page, written as an Express 5 user would write it, so that `npm run
// bench -- versus` measures the frameworks and session libraries, not different pages.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Eta } from 'eta';
import type { Express, NextFunction, Request, Response } from 'express';

// The course's security headers (shared/platform/src/headers.ts), and no-store, which
// the course sets on every page that reads the session.
const HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};
export function securityHeaders(_req: Request, res: Response, next: NextFunction) {
  res.set(HEADERS);
  next();
}

// The session's shape, checked as the course's session.ts checks it on every load: a
// session in another shape starts afresh.
export interface Visit {
  counter?: number;
  csrf?: string;
  items?: string[];
  flash?: Partial<Record<string, string[]>>;
}
const strings = (value: unknown) =>
  Array.isArray(value) && value.every((v) => typeof v === 'string');
export function checked(session: unknown): Visit {
  const visit = session as Visit & Record<string, unknown>;
  const { counter, csrf, items, flash } = visit;
  const valid =
    (counter === undefined || (Number.isSafeInteger(counter) && (counter as number) >= 0)) &&
    (csrf === undefined || typeof csrf === 'string') &&
    (items === undefined || strings(items)) &&
    (flash === undefined ||
      (typeof flash === 'object' && flash !== null && Object.values(flash).every(strings)));
  if (!valid) for (const key of ['counter', 'csrf', 'items', 'flash']) delete visit[key];
  return visit;
}

// What the step's templates ask of `it.view`: the visitor's count (one more), the flash
// messages (popped), the CSRF token (one per session).
export function viewOf(session: Visit, extra: object = {}) {
  const pop = (queue: string) => {
    const messages = session.flash?.[queue] ?? [];
    if (session.flash) {
      delete session.flash[queue];
      if (!Object.keys(session.flash).length) delete session.flash;
    }
    return messages;
  };
  return {
    get counter() {
      session.counter = (session.counter ?? 0) + 1;
      return session.counter;
    },
    popMessages: () => ({ error: pop('error'), info: pop('info') }),
    get csrfToken() {
      session.csrf ??= randomBytes(32).toString('base64url');
      return session.csrf;
    },
    ...extra,
  };
}

// The step's own templates, compiled once (NODE_ENV=production), escaping on.
export function renderer(views: string) {
  const eta = new Eta({ views, cache: true });
  return (res: Response, template: string, data: object) =>
    res.type('html').send(eta.render(template, data));
}

// SESSION_KEYS as the bench sets it, and PORT (0: a free one).
export const keys = (process.env.SESSION_KEYS ?? 'a key for the benchmark only').split(',');

// Listens with the course's time-outs and says where, as a step's server does.
export function listen(app: Express) {
  const timeouts = { headersTimeout: 5_000, requestTimeout: 10_000 };
  const server = createServer(timeouts, app).listen(Number(process.env.PORT ?? 0), () => {
    const { port } = server.address() as AddressInfo;
    console.log(`Serving on http://localhost:${port}`);
  });
  // The bench stops it with SIGTERM: an exit of its own lets `node --cpu-prof` write.
  process.on('SIGTERM', () => process.exit(0));
  return server;
}
