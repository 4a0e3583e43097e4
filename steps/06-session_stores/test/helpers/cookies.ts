// Cookie helpers for the tests, written out so you can see exactly what is in a
// koa-session cookie and how its signature is made.
import { createHmac } from 'node:crypto';
import type { Response } from 'supertest';
import { SESSION_COOKIE } from '../../src/session.ts';

// The signature cookie: HMAC-SHA1 of "name=value" keyed with the secret, in base64url
// (what the `cookies` package under Koa computes with app.keys[0]).
export const sign = (value: string, key: string, name = SESSION_COOKIE) =>
  createHmac('sha1', key).update(`${name}=${value}`).digest('base64url');

// A Cookie request header carrying `value` and its signature made with `key`.
export const sessionCookie = (value: string, key: string, name = SESSION_COOKIE) =>
  `${name}=${value}; ${name}.sig=${sign(value, key, name)}`;

// The whole Set-Cookie header (value and attributes) a response sends for the session.
export const sessionSetCookie = (res: Response, name = SESSION_COOKIE) =>
  ([] as string[])
    .concat(res.headers['set-cookie'] ?? [])
    .find((h) => h.startsWith(`${name}=`));

// The cookies a response sets, by name.
export function setCookies(res: Response): Record<string, string> {
  const headers = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return Object.fromEntries(headers.map((header) => header.split(';')[0].split(/=(.*)/s, 2)));
}

// A Cookie request header that sends back everything a response set, as a browser would.
export const cookieHeader = (res: Response) =>
  Object.entries(setCookies(res))
    .map(([name, value]) => `${name}=${value}`)
    .join('; ');

// The count a page shows.
export const count = (res: Response) => Number(/Count: (\d+)/.exec(res.text)?.[1]);
