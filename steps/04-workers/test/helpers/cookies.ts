// Cookie helpers for the tests, written out so you can see exactly what is in a
// koa-session cookie and how its signature is made.
import { createHmac } from 'node:crypto';
import { SESSION_COOKIE } from '../../src/session.ts';

// The cookie's value is the session as JSON, in base64: encoded, not encrypted.
export const encodeSession = (data: object) =>
  Buffer.from(JSON.stringify(data)).toString('base64');

// The signature cookie: HMAC-SHA1 of "name=value" keyed with the secret, in base64url
// (what the `cookies` package under Koa computes with app.keys[0]).
export const sign = (value: string, key: string, name = SESSION_COOKIE) =>
  createHmac('sha1', key).update(`${name}=${value}`).digest('base64url');

// A Cookie request header carrying `value` and its signature made with `key`.
export const sessionCookie = (value: string, key: string, name = SESSION_COOKIE) =>
  `${name}=${value}; ${name}.sig=${sign(value, key, name)}`;
