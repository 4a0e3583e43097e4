// Settings come from the environment, and this is the only place that reads them:
// src/server.ts calls loadConfig() once and passes the result to createApp().

// A loud, public development key. Anyone can read it here, so anyone can forge a
// cookie signed with it: fine on your laptop, refused anywhere else.
export const DEV_SESSION_KEY = 'dev-only-session-key-everyone-can-read-this-in-the-source';

export interface Config {
  env: string;
  port: number;
  keys: string[];
  secureCookies: boolean;
  trustProxy: boolean;
}

export function loadConfig(
  environment: Record<string, string | undefined> = process.env,
  warn: (message: string) => void = console.warn,
): Config {
  const env = environment.NODE_ENV ?? 'development';
  // SESSION_KEYS="newest,older": the first key signs, every key verifies (rotation).
  const keys = (environment.SESSION_KEYS ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter(Boolean);

  // The public development key only where nobody else's data is at stake.
  const local = env === 'development' || env === 'test';
  if (!local && (keys.length === 0 || keys.includes(DEV_SESSION_KEY))) {
    throw new Error(
      `SESSION_KEYS must be set when NODE_ENV is "${env}": one or more secret keys, comma-separated, ` +
        'newest first. Make one with: node -e "console.log(crypto.randomBytes(32).toString(\'base64url\'))"',
    );
  }
  if (keys.length === 0) {
    warn('WARNING: SESSION_KEYS is not set; signing session cookies with the public development key.');
    keys.push(DEV_SESSION_KEY);
  }

  const secureCookies = environment.SECURE_COOKIES === 'true'; // the site is served over HTTPS
  const trustProxy = environment.TRUST_PROXY === 'true'; // a TLS-terminating proxy sets X-Forwarded-Proto
  // This server speaks plain HTTP, so HTTPS means a proxy in front; without trusting it,
  // every request would look unencrypted and every secure cookie would fail.
  if (secureCookies && !trustProxy) {
    throw new Error('SECURE_COOKIES=true needs TRUST_PROXY=true: HTTPS reaches this server through a proxy.');
  }

  return { env, port: Number(environment.PORT ?? 6543), keys, secureCookies, trustProxy };
}
