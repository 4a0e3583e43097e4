// Counts page views the way the database sees them, in one command: starts an app in
// real worker processes, on a free port and a new database of its own, sends it page
// views, many at once, each on a new connection (so that both workers serve), then
// compares what was sent with what the database counted.
//
//   npm run page-views -- read-modify-write   the NAIVE app of pitfall 2
//   npm run page-views                        this step's own app
//   npm run page-views -- read-modify-write 500
//   WORKERS=4 npm run page-views -- read-modify-write
//
// It prints, for example, "expected 200, counted 163". Everything it started, and the
// database, is gone when it ends.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../src/db.ts';

export const DEFAULT_PAGE_VIEWS = 200;
export const IN_FLIGHT = 50; // requests sent and not yet answered, at most
const stepDir = fileURLToPath(new URL('..', import.meta.url));

// shared/tools/demo.ts, above the step (however deep a copy of the step is).
function demoScript(from = stepDir): string {
  const candidate = join(from, 'shared', 'tools', 'demo.ts');
  if (existsSync(candidate)) return candidate;
  if (dirname(from) === from) throw new Error('no shared/tools/demo.ts above the step');
  return demoScript(dirname(from));
}

// One GET on a new connection; resolves with its status.
const pageView = (url: string) =>
  new Promise<number>((resolve, reject) => {
    request(url, { agent: false }, (res) => {
      res.resume().on('end', () => resolve(res.statusCode ?? 0));
    })
      .on('error', reject)
      .end();
  });

// `count` page views, at most IN_FLIGHT at a time; the statuses, in no particular order.
async function pageViews(url: string, count: number): Promise<number[]> {
  const statuses: number[] = [];
  let sent = 0;
  const client = async () => {
    while (sent < count) {
      sent += 1;
      statuses.push(await pageView(url).catch(() => 0));
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, count) }, client));
  return statuses;
}

const USAGE =
  'usage: npm run page-views -- [pitfall] [page views]   (WORKERS=2 unless set)\n' +
  "  pitfall: a naive app in pitfalls/, such as read-modify-write; none for this step's app\n" +
  `  page views: how many to send (default ${DEFAULT_PAGE_VIEWS})`;

const args = process.argv.slice(2);
const count = /^\d+$/.test(args.at(-1) ?? '') ? Number(args.pop()) : DEFAULT_PAGE_VIEWS;
const [pitfall, ...rest] = args;
const workers = process.env.WORKERS ?? '2';
if (
  rest.length ||
  count < 1 ||
  (pitfall && !existsSync(join(stepDir, `pitfalls/${pitfall}.ts`)))
) {
  console.error(USAGE);
  process.exit(2);
}

const folder = mkdtempSync(join(tmpdir(), 'page-views-'));
const databasePath = join(folder, 'site.sqlite');
const script = pitfall ? [demoScript(), pitfall] : ['src/server.ts'];
const server = spawn(process.execPath, script, {
  cwd: stepDir,
  env: { ...process.env, PORT: '0', WORKERS: workers, DATABASE_PATH: databasePath },
  stdio: ['ignore', 'pipe', 'pipe'],
  detached: process.platform !== 'win32', // its own process group, workers included
});
// Whatever ends this command ends the server and its workers, and removes the database.
const stop = () => {
  try {
    if (process.platform === 'win32') server.kill('SIGKILL');
    else process.kill(-server.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
};
process.on('exit', () => {
  stop();
  rmSync(folder, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => process.exit(130));

let printed = '';
server.stderr.setEncoding('utf8').on('data', (chunk: string) => (printed += chunk));
const url = await new Promise<string>((resolve) => {
  server.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    printed += chunk;
    const address = /Serving .*?on (http\S+)/.exec(printed)?.[1];
    if (address) resolve(address);
  });
  server.on('exit', () => {
    console.error(`The server did not start:\n${printed}`);
    process.exit(1);
  });
});

const app = pitfall ? `the NAIVE pitfalls/${pitfall}.ts` : "this step's app";
console.log(
  `${count} page views, ${Math.min(IN_FLIGHT, count)} at a time, to ${app} in ${workers} ` +
    `worker${workers === '1' ? '' : 's'}`,
);
const statuses = await pageViews(url, count);
server.removeAllListeners('exit');
server.kill('SIGTERM'); // its workers finish, then it exits
await once(server, 'exit');

const db = openDatabase(databasePath);
const counted = db.visits();
db.close();
// Those that did not get a page: an error status, or no answer at all (0).
const failed = statuses.filter((status) => status !== 200);
const why = [...new Set(failed)].sort().map((status) => status || 'nothing');
const answers = failed.length ? `; ${failed.length} answered ${why.join(' or ')}` : '';
console.log(`expected ${count}, counted ${counted}${answers}`);
