// The real server, in a real process, as `npm start` runs it, with the course's test
// processes (@course/platform/testing/processes: ended however the test run ends).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProcess } from '@course/platform/testing/processes';
import { databasePath } from '@course/platform/testing/sqlite';

export {
  cleanUp,
  isRunning,
  rawClient,
  responseHeads,
} from '@course/platform/testing/processes';

const stepDir = fileURLToPath(new URL('../..', import.meta.url));
// The repository's tooling folder (for shared/tools/demo.ts): above the step, however
// deep the step's copy is (a mutation-testing sandbox is a copy inside the step).
function sharedDir(from = stepDir): string {
  const candidate = join(from, 'shared', 'tools');
  if (existsSync(join(candidate, 'demo.ts'))) return candidate;
  if (dirname(from) === from) throw new Error('no shared/tools/demo.ts above the step');
  return sharedDir(dirname(from));
}
// The arguments that make `node` serve a naive app from pitfalls/, as `npm run demo` does.
export const demo = (name: string) => [join(sharedDir(), 'demo.ts'), name];

// Every server gets a database file of its own (in the tests' temporary folder, see
// database.ts) unless a test names one (DATABASE_PATH): never the step's data/site.sqlite.
// Node 22, and 24 before 24.15, print this when a process loads node:sqlite: not the
// server's own output, so the tests leave it out of what they compare.
const SQLITE_WARNING =
  /^\(node:\d+\) ExperimentalWarning: SQLite is an experimental feature.*\n(\(Use `node --trace-warnings .*\n)?/gm;
export const withoutSqliteWarning = (text: string) => text.replace(SQLITE_WARNING, '');

// Starts `node src/server.ts` (or another script of the step's, such as the demo of a
// naive app) with PORT=0 (a free port), a new database file, and `env`, without the
// settings a test run may have set for itself. With WORKERS, its workers are in its
// process group, and cleanUp() ends them all.
export function startServer(env: Record<string, string>, script = ['src/server.ts']) {
  const database = env.DATABASE_PATH ?? databasePath();
  const server = startProcess({
    cwd: stepDir,
    args: script,
    env: { DATABASE_PATH: database, ...env },
    cleared: ['NODE_ENV', 'SESSION_KEYS', 'WORKERS', 'NOTICE_FILE', 'REDIS_URL'],
    stderr: withoutSqliteWarning,
  });
  return { ...server, databasePath: database }; // a test may look inside, or change it
}

export type Server = ReturnType<typeof startServer>;
