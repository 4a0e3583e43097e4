import { availableParallelism } from 'node:os';
import { portFrom, publicUrlFrom, secondsFrom, shown, switchFrom } from './readers.ts';

// Settings come from the environment, read once at start-up by the step's own
// src/config.ts, which composes these readers with its own. Every value is checked at
// start-up, so a typo stops the server with a message instead of surfacing later as a
// strange failure. They read a plain object, not process.env, so tests pass one.
export type Environment = Record<string, string | undefined>;

export interface BaseSettings {
  env: string;
  port: number;
  // Seconds a shutdown waits for requests in flight before it closes their connections.
  shutdownTimeout: number;
  // Trust X-Forwarded-Proto and friends from a proxy in front of the app.
  trustProxy: boolean;
  // Mark the session cookie Secure (sent over HTTPS only).
  secureCookies: boolean;
  // The site's https:// address (origin only), where plain-HTTP page loads are sent.
  publicUrl?: string;
}

// What every step's server needs: NODE_ENV, PORT, SHUTDOWN_TIMEOUT and the HTTPS settings.
export function baseSettings(environment: Environment): BaseSettings {
  return {
    env: environment.NODE_ENV ?? 'development',
    port: portFrom(environment.PORT),
    shutdownTimeout: secondsFrom('SHUTDOWN_TIMEOUT', environment.SHUTDOWN_TIMEOUT, 10),
    ...httpsSettings(environment),
  };
}

// SECURE_COOKIES, TRUST_PROXY and PUBLIC_URL, which only make sense together.
function httpsSettings(environment: Environment) {
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
  return { trustProxy, secureCookies, publicUrl };
}

// A loud, public development key. Anyone can read it here, so anyone can forge a
// cookie signed with it: fine on your laptop, refused anywhere else.
export const DEV_SESSION_KEY = 'dev-only-session-key-everyone-can-read-this-in-the-source';

// SESSION_KEYS="newest,older": the first key signs, every key verifies (rotation). Unset,
// the public development key, with a warning, where nobody else's data is at stake.
// Read it after the other settings: its warning should come only once nothing else can
// stop the start.
export function sessionKeys(environment: Environment, warn: (message: string) => void) {
  const env = environment.NODE_ENV ?? 'development';
  const keys = (environment.SESSION_KEYS ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter(Boolean);
  const local = env === 'development' || env === 'test';
  if (!local && (keys.length === 0 || keys.includes(DEV_SESSION_KEY))) {
    throw new Error(
      `SESSION_KEYS must be set when NODE_ENV is "${env}": one or more secret keys, ` +
        'comma-separated, newest first. Make one with: ' +
        `node -e "console.log(crypto.randomBytes(32).toString('base64url'))"`,
    );
  }
  if (keys.length > 0) return keys;
  warn(
    'WARNING: SESSION_KEYS is not set; signing session cookies with the public development key.',
  );
  return [DEV_SESSION_KEY];
}

// More workers than this is a typo, not a plan (each is a whole process of its own).
export const MAX_WORKERS = 64;

// WORKERS: a whole number from 1 to MAX_WORKERS, or "auto" for one per CPU core the
// process may use. Unset means 1: one process, as in development.
export function workersFrom(value: string | undefined): number {
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
