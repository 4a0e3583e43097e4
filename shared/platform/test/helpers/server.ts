// The fixture server (test/fixtures/server.ts) in a real process, as a step's `npm start`
// runs its own, with the platform's test processes (testing/processes.ts).
import { fileURLToPath } from 'node:url';
import { startProcess } from '../../testing/processes.ts';

export {
  cleanUp,
  isRunning,
  rawClient,
  responseHeads,
  waitUntil,
} from '../../testing/processes.ts';

export const platformDir = fileURLToPath(new URL('../..', import.meta.url));

// The settings a test run may have set for itself, which no fixture server inherits.
const CLEARED = [
  'NODE_ENV',
  'SESSION_KEYS',
  'WORKERS',
  'SHUTDOWN_TIMEOUT',
  'HEADERS_TIMEOUT',
  'REQUEST_TIMEOUT',
];

export const startServer = (env: Record<string, string>) =>
  startProcess({ cwd: platformDir, args: ['test/fixtures/server.ts'], env, cleared: CLEARED });

export type Server = ReturnType<typeof startServer>;
