// Settings come from the environment, and this is the only place that reads them:
// src/server.ts calls loadConfig() once and passes the result to createApp().
// Every value is checked here, at start-up, so a typo stops the server with a message
// instead of surfacing later as a strange failure.

export interface Config {
  env: string;
  port: number;
  // Seconds a shutdown waits for requests in flight before it closes their connections.
  shutdownTimeout: number;
}

// Shown in an error message: the value as it was set, quotes and all.
const shown = (value: string) => JSON.stringify(value);

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

export function loadConfig(
  environment: Record<string, string | undefined> = process.env,
): Config {
  return {
    env: environment.NODE_ENV ?? 'development',
    port: portFrom(environment.PORT),
    shutdownTimeout: secondsFrom('SHUTDOWN_TIMEOUT', environment.SHUTDOWN_TIMEOUT, 10),
  };
}
