import { isAbsolute, relative, resolve, sep } from 'node:path';

// The small readers every setting is built from. Each checks one variable and, when it
// is wrong, throws an Error whose message shows what a correct value looks like: the
// server prints it as one line (`Cannot start: ...`), never as a stack trace.

// Shown in an error message: the value as it was set, quotes and all.
export const shown = (value: string) => JSON.stringify(value);

// PORT: digits only, 0 to 65535; 0 lets the system pick a free port. Unset means 6543.
export function portFrom(value: string | undefined): number {
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
export function secondsFrom(name: string, value: string | undefined, fallback: number): number {
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
export function switchFrom(name: string, value: string | undefined): boolean {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw new Error(`${name} must be "true" or "false" (unset means false), not ${shown(value)}`);
}

// A file's path. A relative one is relative to the folder the server was started in,
// as a learner who types it expects; unset or empty means `fallback`.
export function pathFrom(value: string | undefined, fallback: string): string {
  return value ? resolve(value) : fallback;
}

// A path as a message shows it: relative to the folder the server was started in when
// it is inside that folder (as the learner typed it, or as data/site.sqlite), else in full.
export function shownPath(path: string): string {
  const shown = relative(process.cwd(), path);
  const outside = shown === '..' || shown.startsWith(`..${sep}`) || isAbsolute(shown);
  return outside ? path : shown;
}

// PUBLIC_URL: an https:// address with no path, such as https://shop.example (a port is
// fine). Unset means none; SECURE_COOKIES needs one.
export function publicUrlFrom(value: string | undefined): string | undefined {
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

// REDIS_URL: redis://[user:password@]host[:port][/database], or rediss:// for TLS; unset
// or empty means sessions in SQLite. Checked in full here: the Redis client would refuse
// a port out of range with only "Invalid URL", and a database that is not a number later.
export function redisUrlFrom(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const url = URL.parse(value);
  // A port beyond 65535 leaves no URL to read: say which part is wrong.
  const port =
    url?.port ??
    /^rediss?:\/\/(?:[^@/]*@)?(?:\[[^\]]*\]|[^:/]*):(\d+)(?:\/|$)/.exec(value)?.[1];
  const problem =
    port && (Number(port) < 1 || Number(port) > 65535)
      ? "REDIS_URL's port must be from 1 to 65535"
      : !url || /\s/.test(value) || !/^rediss?:$/.test(url.protocol) || !url.hostname
        ? 'REDIS_URL must be a redis:// or rediss:// address'
        : !/^(\/\d*)?$/.test(url.pathname) || url.search || url.hash
          ? 'REDIS_URL may end in a database number, and nothing else'
          : undefined;
  if (!problem) return value;
  // The value as it was set, but never its password, which would end up in a log.
  const visible = value.replace(/^(\w+:\/\/[^:@/]*:).*@/, '$1****@');
  throw new Error(
    `${problem}, such as redis://127.0.0.1:6379 or redis://user:password@host:6379/1, ` +
      `not ${JSON.stringify(visible)}`,
  );
}
