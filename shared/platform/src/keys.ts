import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

// #region signing-keys
// The keys that sign cookies (Koa's app.keys): the same HMAC-SHA1 signatures, in
// base64url, as Koa's default (keygrip) makes from a list of strings, so a cookie signed
// by either verifies with the other. The first key signs; every key verifies, in order
// (rotation). Faster on every request: each key is prepared once (keygrip hands Node the
// string again for every signature), and a signature is compared with timingSafeEqual
// (keygrip's compare computes two more HMACs, with a fresh random key, for each).
export function signingKeys(keys: readonly string[]) {
  if (keys.length === 0 || !keys.every((key) => typeof key === 'string' && key))
    throw new TypeError('signingKeys: keys must be a non-empty array of secret strings');
  const secrets = keys.map((key) => createSecretKey(Buffer.from(key)));
  const sign = (data: string, key: KeyObject) =>
    createHmac('sha1', key).update(data).digest('base64url');
  // Which key signed `data` into `digest`, or -1: any length, or none, is refused alike.
  const index = (data: string, digest: string | undefined) => {
    const sent = Buffer.from(String(digest));
    return secrets.findIndex((key) => {
      const expected = Buffer.from(sign(data, key));
      return sent.length === expected.length && timingSafeEqual(sent, expected);
    });
  };
  return {
    sign: (data: string) => sign(data, secrets[0]),
    verify: (data: string, digest: string) => index(data, digest) > -1,
    index,
  };
}
// #endregion signing-keys

// createApp's check of its `keys` option, so that a missing key fails when the app is
// made, in words that say what to pass, and not at the first visitor's cookie.
export function requireKeys(keys: unknown): string[] {
  if (
    !Array.isArray(keys) ||
    keys.length === 0 ||
    !keys.every((k) => typeof k === 'string' && k)
  )
    throw new TypeError('createApp: options.keys must be a non-empty array of secret strings');
  return keys as string[];
}
