// The real server, in a real process, as `npm start` runs it, with the course's test
// processes (@course/platform/testing/processes: ended however the test run ends).
import { fileURLToPath } from 'node:url';
import { startProcess } from '@course/platform/testing/processes';

export { cleanUp } from '@course/platform/testing/processes';

const stepDir = fileURLToPath(new URL('../..', import.meta.url));

// Starts `node src/server.ts` with PORT=0 (a free port) and `env`, without the settings
// a test run may have set for itself.
export const startServer = (env: Record<string, string>) =>
  startProcess({
    cwd: stepDir,
    args: ['src/server.ts'],
    env,
    cleared: ['NODE_ENV', 'SESSION_KEYS'],
  });

export type Server = ReturnType<typeof startServer>;
