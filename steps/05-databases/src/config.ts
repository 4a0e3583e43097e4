import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Settings come from the environment, and this is the only place that reads them:
// src/server.ts calls loadConfig() once and passes the result to createApp().
// Every value is checked here, at start-up, so a typo stops the server with a message
// instead of surfacing later as a strange failure.

// A loud, public development key. Anyone can read it here, so anyone can forge a
// cookie signed with it: fine on your laptop, refused anywhere else.
export const DEV_SESSION_KEY = 'dev-only-session-key-everyone-can-read-this-in-the-source';

export interface Config {
  env: string;
  port: number;
  // Seconds a shutdown waits for requests in flight before it closes their connections.
  shutdownTimeout: number;
  keys: string[];
  secureCookies: boolean;
  trustProxy: boolean;
  // The site's https:// address (origin only), where plain-HTTP page loads are sent.
  publicUrl?: string;
  // How many processes serve: 1 is a single process, as in the earlier steps.
  workers: number;
  // The site notice's file, read on every request.
  noticeFile: string;
  // The SQLite file that holds what every visitor shares.
  databasePath: string;
}

// The notice shipped with this step, used when NOTICE_FILE is not set.
export const DEFAULT_NOTICE_FILE = fileURLToPath(new URL('../notice.txt', import.meta.url));
// The database, when DATABASE_PATH is not set: a file in this step's data/ folder (which
// git ignores), created with its folder on first start.
export const DEFAULT_DATABASE_PATH = fileURLToPath(
  new URL('../data/site.sqlite', import.meta.url),
);
// More workers than this is a typo, not a plan (each is a whole process of its own).
export const MAX_WORKERS = 64;

// Shown in an error message: the value as it was set, quotes and all.
const shown = (value: string) => JSON.stringify(value);

// PUBLIC_URL: an https:// address with no path, such as https://shop.example (a port is
// fine). Unset means none; SECURE_COOKIES needs one.
function publicUrlFrom(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const url = URL.parse(value);
  if (
    url?.protocol !== 'https:' ||
    url.pathname !== '/' ||
    url.search ||
    url.hash ||
    url.username
  ) {
    throw new Error(
      "PUBLIC_URL must be the site's https:// address with no path, such as " +
        `PUBLIC_URL=https://shop.example, not ${shown(value)}`,
    );
  }
  return url.origin;
}

// PORT: digits only, 0 to 65535; 0 lets the system pick a free port. Unset means 6543.
function portFrom(value: string | undefined): number {
  if (value === undefined) return 6543;
  if (!/^\d+$/.test(value) || Number(value) > 65535) {
    throw new Error(
      'PORT must be a whole number from 0 to 65535, such as PORT=8080 (0 picks a free port), ' +
        `not ${shown(value)}`,
    );
  }
  return Number(value);
}

// A number of seconds above 0. At most an hour: no process manager waits longer, and a
// timer cannot wait more than about 24 days.
function secondsFrom(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || seconds <= 0 || seconds > 3600) {
    throw new Error(
      `${name} must be a number of seconds above 0 and at most 3600, ` +
        `such as ${name}=${fallback}, not ${shown(value)}`,
    );
  }
  return seconds;
}

// A switch: exactly "true" or "false", unset meaning false. Anything else (TRUE, yes, 1)
// is refused rather than guessed at: a security setting must not be misread.
function switchFrom(name: string, value: string | undefined): boolean {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw new Error(`${name} must be "true" or "false" (unset means false), not ${shown(value)}`);
}

// WORKERS: a whole number from 1 to MAX_WORKERS, or "auto" for one per CPU core the
// process may use. Unset means 1: one process, as in development.
function workersFrom(value: string | undefined): number {
  if (value === undefined) return 1;
  if (value === 'auto') return Math.min(availableParallelism(), MAX_WORKERS);
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_WORKERS) {
    throw new Error(
      `WORKERS must be a whole number from 1 to ${MAX_WORKERS}, or "auto" (one per CPU core), ` +
        `such as WORKERS=2, not ${shown(value)}`,
    );
  }
  return Number(value);
}

export function loadConfig(
  environment: Record<string, string | undefined> = process.env,
  warn: (message: string) => void = console.warn,
): Config {
  const env = environment.NODE_ENV ?? 'development';
  const port = portFrom(environment.PORT);
  const shutdownTimeout = secondsFrom('SHUTDOWN_TIMEOUT', environment.SHUTDOWN_TIMEOUT, 10);
  const workers = workersFrom(environment.WORKERS);
  // A relative NOTICE_FILE is relative to the folder the server was started in.
  const noticeFile = environment.NOTICE_FILE
    ? resolve(environment.NOTICE_FILE)
    : DEFAULT_NOTICE_FILE;
  const databasePath = environment.DATABASE_PATH
    ? resolve(environment.DATABASE_PATH)
    : DEFAULT_DATABASE_PATH;

  // SESSION_KEYS="newest,older": the first key signs, every key verifies (rotation).
  const keys = (environment.SESSION_KEYS ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter(Boolean);

  // The public development key only where nobody else's data is at stake.
  const local = env === 'development' || env === 'test';
  if (!local && (keys.length === 0 || keys.includes(DEV_SESSION_KEY))) {
    throw new Error(
      `SESSION_KEYS must be set when NODE_ENV is "${env}": one or more secret keys, ` +
        'comma-separated, newest first. Make one with: ' +
        `node -e "console.log(crypto.randomBytes(32).toString('base64url'))"`,
    );
  }

  // The site is served over HTTPS, by a TLS proxy that sets X-Forwarded-Proto.
  const secureCookies = switchFrom('SECURE_COOKIES', environment.SECURE_COOKIES);
  const trustProxy = switchFrom('TRUST_PROXY', environment.TRUST_PROXY);
  // This server speaks plain HTTP, so HTTPS means a proxy in front; without trusting it,
  // every request would look unencrypted and every secure cookie would fail.
  if (secureCookies && !trustProxy) {
    throw new Error(
      'SECURE_COOKIES=true needs TRUST_PROXY=true: HTTPS reaches this server through a proxy.',
    );
  }
  // Where a page load that came over plain HTTP is sent: the site's own address, set
  // here, since the request's Host is whatever the client wrote.
  const publicUrl = publicUrlFrom(environment.PUBLIC_URL);
  if (secureCookies && !publicUrl) {
    throw new Error(
      "SECURE_COOKIES=true needs PUBLIC_URL, the site's https:// address, such as " +
        'PUBLIC_URL=https://shop.example: page loads over plain HTTP are redirected there.',
    );
  }

  // Warned about last, once nothing else can stop the start.
  if (keys.length === 0) {
    warn(
      'WARNING: SESSION_KEYS is not set; signing session cookies with the public development key.',
    );
    keys.push(DEV_SESSION_KEY);
  }

  return {
    env,
    port,
    shutdownTimeout,
    keys,
    secureCookies,
    trustProxy,
    publicUrl,
    workers,
    noticeFile,
    databasePath,
  };
}
