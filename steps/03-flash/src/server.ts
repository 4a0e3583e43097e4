import { baseSettings, orStop, serve, sessionKeys } from '@course/platform';
import { createApp } from './app.ts';

// The only file that starts the server, and the only one that reads the environment.
// Every setting (PORT, SHUTDOWN_TIMEOUT, NODE_ENV) is checked here, at start-up, so a
// typo stops the server with one line instead of surfacing later as a strange failure.
// SESSION_KEYS is read last: its warning should come only once nothing else can stop
// the start.
const settings = orStop(() => ({
  ...baseSettings(process.env),
  keys: sessionKeys(process.env, console.warn),
}));

// Listens on PORT, and on Ctrl-C or SIGTERM finishes the requests in flight before it
// exits (at most SHUTDOWN_TIMEOUT seconds): the platform's serve().
serve(createApp(settings), settings);
