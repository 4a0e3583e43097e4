// Keeps the terminal output shown in the instructors' guide and the lessons (steps/*/
// README.md, APPENDIX.md) true. A block such as
//
//   <!-- output: steps/02-sessions, beside npm start -->
//   ```console
//   $ curl -s -c tab http://localhost:6543/ | grep Count
//   <p class="count">Count: 1</p>
//   ```
//   <!-- /output -->
//
// is a terminal in that step's folder: every `$` line is run and the lines after it are
// what it printed. "beside npm start" means that `npm start` runs in another terminal.
// The marker may instead name a situation: "before the root npm install" or "on an old
// Node.js". `npm run docs:transcripts` fails when an output is not what a run prints;
// `npm run docs:transcripts -- --write` refreshes them. What varies from run to run
// (ports, dates, cookies, times) is replaced by a placeholder such as <session>.
//
// A `$` line may hold curl (-s, -i, -L, -d, -X, -b, -c, -w with %header{name}, -o
// /dev/null; one or more URLs, over one connection per curl, as curl does),
// `cp <cookie file> <cookie file>`, `| grep [-i] [-e] word`, `node -e`, `sleep`, `&`,
// `;`, `wait`, ( ) and `for i in 1 2 3; do …; done`; and [NAME=value…] npm start,
// npm run demo -- <name>, npm test, npm run pitfalls, npx mocha <files>, and the step's
// other npm scripts with their `-- args`. Beside a server, also
// `echo '…' > notice.txt`, which changes the server's own copy of the step's notice.txt
// (never the repository's file), and `kill -9 <pid N>`, which kills one of its workers
// and waits, as the reader does, until its primary says that the replacement started.
// From step 05 on, every server has a new database of its own (DATABASE_PATH, in the
// scratch folder, never the step's data/site.sqlite), and an npm script beside a
// server (`npm run db -- show`) works on that server's file, as does
// `sqlite3 data/site.sqlite 'SELECT …'` (run with node:sqlite, printed as sqlite3 prints
// it); its path is shown as data/site.sqlite, the reader's, or as the DATABASE_PATH the
// command names. A marker may say "beside <command> and <command>": two servers, each
// on the port its command's PORT names (6543 without one), which curl's URLs choose
// between; each must name a DATABASE_PATH of its own, as two machines have two files.
// From step 06 on, a REDIS_URL of redis://127.0.0.1:<port> reaches a redis-server that
// the check runs itself (on a free port, nothing saved, killed at the end) if a
// `redis-server --port <port> --save '' --appendonly no --daemonize yes` line of the
// guide starts one there, and nothing otherwise, as when Redis is not running. That
// line starts it again after `redis-cli -p <port> shutdown` stopped it; each waits, as
// the reader does, until every server using it has said that Redis went, or came back.
// Without redis-server installed, those blocks are left unchecked, with a warning
// (REQUIRE_REDIS=1 makes that a failure, as in CI).
// It is not a shell: it runs only these, the same way on every platform, and refuses
// anything else. The files are checked at once, each with servers and Redis of its own,
// and so are a file's blocks, each a terminal of its own.
//
// Process ids are shown as <pid 1>, <pid 2>… (a server's workers, in the order they
// started; a server without workers is <pid 1>) and <primary pid>; from step 06 on,
// session ids (UUIDs) as <id 1>, <id 2>… and CSRF tokens as <token 1>…, numbered in the
// order each block shows them. In a `$` line, such a placeholder stands for the value it
// names. A block that shows a server's start-up starts a new one (the reader restarts
// it), which the blocks beside that command use until the next such block; a server
// with WORKERS or REDIS_URL runs as a real process.
import { spawn } from 'node:child_process';
import type { ChildProcess, StdioOptions } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync } from 'node:fs';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { format } from 'node:util';
import type Koa from 'koa';
import { baseSettings, sessionKeys } from '@course/platform';
import { compileCache } from '@course/platform/testing/compile-cache';
import type { Environment } from '@course/platform';
import Mocha from 'mocha';
import { root } from './npm.ts';
import { quietPort, redisServerCommand, redisServerInstalled } from './redis-server.ts';

const write = process.argv.includes('--write');
// The instructors' guide, and the lessons (each step's README and appendix) that show output.
const GUIDES = [
  'docs/README.md',
  ...readdirSync(join(root, 'steps'))
    .sort()
    .flatMap((step) => ['README.md', 'APPENDIX.md'].map((file) => `steps/${step}/${file}`))
    .filter((file) => existsSync(join(root, file))),
];
const SHOWN_PORT = '6543'; // what the reader's own run prints
const began = performance.now();

// Every process this script starts is killed when it ends, whatever ends it.
const children = new Set<ChildProcess>();
const servers = new Set<Server>();
const scratch = mkdtempSync(join(tmpdir(), 'transcripts-'));
// Each runs as the leader of a process group of its own: killing the group ends a
// server's workers with it.
function endGroup(child: ChildProcess) {
  try {
    if (child.pid && process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
    else child.kill('SIGKILL');
  } catch {
    // already gone
  }
}
process.on('exit', () => {
  children.forEach(endGroup);
  rmSync(scratch, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => process.exit(130));
setTimeout(() => {
  console.error('docs:transcripts: still running after 60 s; stopped');
  process.exit(1);
}, 60_000).unref();
// The dry runs below import the steps' tests, which refuse a CHROMIUM_PATH that names
// nothing, and may start a browser as they load (which would outlive the run): that is
// the browser tests' business, not the guide's, which lists those tests, never runs them.
delete process.env.CHROMIUM_PATH;
delete process.env.REQUIRE_BROWSER;
process.env.SKIP_BROWSER = '1';
// Node's compile cache for every program started here, in the folder that the tests'
// servers use (@course/platform/testing/compile-cache; one cache a Node version): each
// reuses the compiled code of the last, and starts sooner.
process.env.NODE_COMPILE_CACHE ??= compileCache.NODE_COMPILE_CACHE;
// Whatever the commands and servers run here make in the temporary folder (such as
// page-views' database) goes in the scratch folder, removed when this script ends.
for (const name of ['TMPDIR', 'TMP', 'TEMP']) process.env[name] = scratch;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// What varies between runs, replaced by placeholders the guide explains.
function normalise(text: string): string {
  return (
    text
      .replace(/\r\n/g, '\n')
      // eslint-disable-next-line no-control-regex -- colours, which a tool may add in CI
      .replace(/\x1b\[[0-9;]*m/g, '')
      // From step 06, the cookie is a session id, which labelValues numbers.
      .replace(/^(Set-Cookie: [\w.]+?)=([^;\n]*)/gim, (_, name: string, value: string) =>
        name.endsWith('.sig')
          ? `${name}=<signature>`
          : `${name}=${UUID.test(value) ? value : '<session>'}`,
      )
      .replace(/expires=[^;\n]+/g, 'expires=<date>')
      .replace(/"_expire":\d+/g, '"_expire":<date>') // koa-session's, in a stored session
      .replace(/^Date: .*$/gm, 'Date: <date>')
      .replace(/ \((\d+(\.\d+)?(ms|s|m))\)$/gm, ' (<time>)')
      .replace(/\bv\d+\.\d+\.\d+\b/g, '<version>')
      .replace(/^(\s+at .*\n)+/gm, '    at <stack trace>\n')
      // Node 22 (and 24 before 24.15) warns as a process loads node:sqlite (step 05 on).
      .replace(/^\(node:\d+\) ExperimentalWarning: SQLite .*\n(\(Use `node --trace.*\n)?/gm, '')
      // A server's own database (see newDatabase), where the reader's is data/site.sqlite.
      .replace(
        new RegExp(`${escapeRegExp(scratch)}[\\\\/](site-\\d+\\.sqlite)`, 'g'),
        (_, file: string) => databasesShown.get(file)!,
      )
  );
}

// From step 06: session ids (a random UUID, in the cookie and in the store) and CSRF
// tokens (in the forms and in the stored session), numbered in the order one terminal
// shows them, as labelPids numbers pids.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const shownValues = {
  id: new RegExp(`\\b${UUID.source.slice(1, -1)}\\b`, 'g'),
  token: /(?<=name="_csrf" value="|"csrf":")[\w-]+(?=")/g,
};
function labelValues(text: string, term: Terminal): string {
  for (const [kind, pattern] of Object.entries(shownValues))
    text = text.replace(pattern, (value) => {
      const numbered = [...term.labels.values()].filter((l) => l.startsWith(`<${kind} `));
      if (!term.labels.has(value)) term.labels.set(value, `<${kind} ${numbered.length + 1}>`);
      return term.labels.get(value)!;
    });
  return text;
}

// A `$` line's words and operators, split as a POSIX shell splits them.
type Token = string | { op: string };
function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i];
    if (c === "'" || c === '"') {
      const end = line.indexOf(c, i + 1);
      if (end < 0) throw new Error(`unclosed ${c}`);
      const quoted = line.slice(i + 1, end);
      if (c === '"' && /[$`\\]/.test(quoted)) throw new Error("use '…' for $, ` or \\");
      word = (word ?? '') + quoted;
      i = end;
    } else if (/\s/.test(c) || '|&;()>'.includes(c)) {
      if (word !== undefined) tokens.push(word);
      word = undefined;
      if (!/\s/.test(c)) tokens.push({ op: c });
    } else if ('$`\\<*?'.includes(c)) {
      throw new Error(`${c} outside quotes is not supported here`);
    } else word = (word ?? '') + c;
  }
  if (word !== undefined) tokens.push(word);
  return tokens;
}

// Loading modules into this process, one task at a time: Node 22 fails ("module not been
// linked") when mocha's require() meets a module that an import() is still loading.
let queue: Promise<unknown> = Promise.resolve();
function oneAtATime<T>(task: () => Promise<T>): Promise<T> {
  const result = queue.then(task);
  queue = result.catch(() => {});
  return result;
}

// A server the `$` lines talk to: a real process, or an app served in this process.
interface Target {
  port: number;
  shown: string; // the port as the reader's run shows it: its command's PORT, else 6543
  startup: string; // what it printed as it started: shown for `$ npm start` and the like
  here: boolean; // served in this process
  inFlight: number; // requests sent and not yet answered
  held: Array<() => void>; // requests waiting in a demo's gate (see serveHere)
  open: boolean; // the gate
  pid: number; // the process that was started (with workers, the primary)
  log: () => string; // all it has printed so far
  running: () => boolean; // its process has not ended
  noticeFile?: string; // its own copy of the step's notice.txt
  databasePath?: string; // from step 05: its own new database file
}
const newTarget = (here: boolean, command: ParsedNpm): Target => ({
  ...{ port: 0, shown: command.env.PORT ?? SHOWN_PORT, startup: '', here },
  ...{ inFlight: 0, held: [], open: false },
  ...{ pid: process.pid, log: () => '', running: () => true },
});

// The pids of a server's workers, in the order its primary said they started.
const workersOf = (target: Target) =>
  [...target.log().matchAll(/^Worker (\d+) started$/gm)].map(([, pid]) => Number(pid));

// The placeholders for a server's pids: <pid 1>, <pid 2>… for its workers in the order
// they started and <primary pid> for their primary; a server without workers is <pid 1>.
function pidLabels(target: Target | undefined): Map<number, string> {
  const labels = new Map<number, string>();
  if (!target) return labels;
  const workers = workersOf(target);
  if (!workers.length) return labels.set(target.pid, '<pid 1>');
  labels.set(target.pid, '<primary pid>');
  workers.forEach((pid, i) => labels.set(pid, `<pid ${i + 1}>`));
  return labels;
}
// Only where a pid is shown (the X-Served-By header, the footer, the primary's lines, a
// line of its own as curl -w '%header{x-served-by}\n' prints it): not in a count.
const pidShown = /(?<=X-Served-By: |Served by process |Worker |primary |^)\d+(?=\D|$)/gim;
const labelPids = (text: string, target: Target | undefined) => {
  const labels = pidLabels(target);
  return text.replace(pidShown, (pid) => labels.get(Number(pid)) ?? pid);
};

// A copy of the step's notice.txt for one server (NOTICE_FILE), if the step has one: an
// `echo … > notice.txt` beside that server changes the copy, never the repository's file.
let copies = 0;
function noticeCopy(dir: string): string | undefined {
  const notice = join(root, dir, 'notice.txt');
  if (!existsSync(notice)) return undefined;
  const copy = join(scratch, `notice-${(copies += 1)}.txt`);
  copyFileSync(notice, copy);
  return copy;
}

// A new database file for one server (or one script), if the step has a database (from
// step 05): a path in the scratch folder, where the server creates it, shown as the
// DATABASE_PATH the command names, else as the reader's data/site.sqlite.
let databases = 0;
const databasesShown = new Map<string, string>(); // file name in the scratch folder → shown
function newDatabase(dir: string, shown = 'data/site.sqlite'): string | undefined {
  if (!existsSync(join(root, dir, 'src/db.ts'))) return undefined;
  const file = `site-${(databases += 1)}.sqlite`;
  databasesShown.set(file, shown);
  return join(scratch, file);
}

// A step's npm script as it runs after `node ../../shared/tools/preflight.mjs &&` (which
// prints nothing once the repository is installed): its program and arguments.
function scriptOf(dir: string, name: string): string[][] {
  const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
  const script: string | undefined = pkg.scripts?.[name];
  if (!script) throw new Error(`${dir} has no npm script "${name}"`);
  return script.split(' && ').map((part) => part.split(' '));
}

// Starts a program and resolves with what it printed, once `done` says so or it exits.
// Its stdout and stderr go to one file, so that their lines keep the order a terminal
// shows (two pipes would race).
let runs = 0;
function run(
  argv: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
  done: (output: string) => boolean = () => false,
): Promise<{ output: string; child: ChildProcess; file: string }> {
  const [program, ...args] = argv;
  const file = join(scratch, `output-${(runs += 1)}`);
  const fd = openSync(file, 'w');
  const stdio: StdioOptions = ['ignore', fd, fd];
  const child = spawn(program === 'node' ? process.execPath : program, args, {
    ...options,
    stdio,
    detached: process.platform !== 'win32',
  });
  closeSync(fd);
  children.add(child);
  let exited = false;
  child.on('exit', () => {
    exited = true;
    children.delete(child);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    const poll = () => {
      const end = exited; // read once more after the exit: its last lines
      const output = readFileSync(file, 'utf8');
      if (end || done(output)) resolve({ output, child, file });
      else setTimeout(poll, 5);
    };
    poll();
  });
}

const running = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

// The settings a reader's shell would not have, removed from what servers inherit.
function environment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  const settings = [
    'NODE_ENV',
    'PORT',
    'SESSION_KEYS',
    'SECURE_COOKIES',
    'TRUST_PROXY',
    'PUBLIC_URL',
  ];
  settings.push('WORKERS', 'NOTICE_FILE'); // from step 04 on
  settings.push('DATABASE_PATH'); // from step 05 on
  settings.push('REDIS_URL'); // from step 06 on
  // FORCE_COLOR: the root `npm test` sets it in a terminal.
  for (const name of [...settings, 'SHUTDOWN_TIMEOUT', 'FORCE_COLOR']) delete env[name];
  return { ...env, ...extra };
}

// From step 06: the check's own Redis for a port that a REDIS_URL names, shown as that
// port. Where a `redis-server --port <port> …` line of the guide starts one, a real
// redis-server on a free port (started when first needed, with nothing saved and its
// folder in the scratch folder); elsewhere, a free port where nothing listens.
interface Redis {
  port: number; // the check's; the reader's is the key in `redises`
  child?: ChildProcess; // while it runs
  users: Target[]; // the servers started with a REDIS_URL that names it
}
class NeedsRedis extends Error {}
let redisInstalled: boolean | undefined;

// A free port that no other Redis here was given (two of them on one port would be one
// Redis), out of the range of the ports that the servers started beside are given.
const redisPorts = new Set<number>();
async function newPort(): Promise<number> {
  let port = await quietPort();
  while (redisPorts.has(port)) port = await quietPort();
  redisPorts.add(port);
  return port;
}

function redisFor(shown: string, guide: Guide): Promise<Redis> {
  const { redises, redisStarted } = guide;
  if (!redises.has(shown))
    redises.set(
      shown,
      (async () => {
        const redis: Redis = { port: await newPort(), users: [] };
        if (redisStarted.has(shown)) await startRedis(redis);
        return redis;
      })(),
    );
  return redises.get(shown)!;
}

async function startRedis(redis: Redis) {
  redisInstalled ??= redisServerInstalled();
  if (!redisInstalled)
    throw new NeedsRedis('REQUIRE_REDIS is set, but redis-server is not installed');
  const ready = /Ready to accept connections/;
  const { output, child } = await run(
    redisServerCommand(redis.port, scratch),
    { cwd: scratch, env: process.env },
    (out) => ready.test(out),
  );
  if (!ready.test(output)) throw new Error(`redis-server did not start:\n${output.trim()}`);
  redis.child = child;
}

// Until each server using `redis` (and still running) has printed `line` once more than
// it had when `before` was counted: as the reader waits for their server terminals.
const timesSaid = (target: Target, line: string) => target.log().split(line).length - 1;
async function untilEachSays(redis: Redis, line: string, before: number[]) {
  const deadline = Date.now() + 10_000;
  const waiting = () =>
    redis.users.filter((user, i) => user.running() && timesSaid(user, line) === before[i]);
  while (waiting().length) {
    if (Date.now() > deadline) throw new Error(`no server said "${line}" after 10 s`);
    await sleep(5);
  }
}

// `redis-cli -p <port> shutdown`: the check's Redis for that port stops.
async function redisCli(args: string[], guide: Guide): Promise<string> {
  if (args.length !== 3 || args[0] !== '-p' || args[2] !== 'shutdown')
    throw new Error('redis-cli -p <port> shutdown only');
  const redis = await redisFor(args[1], guide);
  const { child } = redis;
  if (!child || !running(child))
    throw new Error(`redis-cli: no Redis runs on port ${args[1]} here`);
  const before = redis.users.map((user) => timesSaid(user, ' is unreachable '));
  redis.child = undefined;
  const exited = once(child, 'exit');
  child.kill('SIGTERM'); // as SHUTDOWN does: Redis closes its connections and exits
  await exited;
  await untilEachSays(redis, ' is unreachable ', before);
  return ''; // redis-cli prints nothing for a SHUTDOWN that worked
}

// `redis-server --port <port> --save '' --appendonly no --daemonize yes`: the check's
// Redis for that port, started again if it was stopped (empty: nothing was saved).
async function redisServer(args: string[], guide: Guide): Promise<string> {
  const form = ['--port', args[1], '--save', '', '--appendonly', 'no', '--daemonize', 'yes'];
  if (!/^\d+$/.test(args[1] ?? '') || args.join(' ') !== form.join(' '))
    throw new Error(
      "redis-server --port <port> --save '' --appendonly no --daemonize yes only",
    );
  const redis = await redisFor(args[1], guide);
  if (redis.child && running(redis.child)) return '';
  const before = redis.users.map((user) => timesSaid(user, ' is reachable again'));
  await startRedis(redis);
  await untilEachSays(redis, ' is reachable again', before);
  return ''; // a daemonized redis-server prints nothing in the terminal
}

// `npm start` or `npm run demo -- <name>` as a real process, on a free port (or on
// `port`, to show what a second server on the same port says).
async function startProcess(
  guide: Guide,
  dir: string,
  command: ParsedNpm,
  port = '0',
): Promise<Target> {
  const argv = [...scriptOf(dir, command.script).at(-1)!, ...command.args];
  const noticeFile = command.env.NOTICE_FILE ? undefined : noticeCopy(dir);
  const notice: Record<string, string> = noticeFile ? { NOTICE_FILE: noticeFile } : {};
  const databasePath = newDatabase(dir, command.env.DATABASE_PATH);
  const database: Record<string, string> = databasePath ? { DATABASE_PATH: databasePath } : {};
  // From step 06: REDIS_URL, to the check's own Redis for the port it names.
  const shownRedis = command.env.REDIS_URL;
  const redisPort = shownRedis && /^redis:\/\/127\.0\.0\.1:(\d+)$/.exec(shownRedis)?.[1];
  if (shownRedis && !redisPort) throw new Error('REDIS_URL: redis://127.0.0.1:<port> only');
  const redis = redisPort ? await redisFor(redisPort, guide) : undefined;
  const redisUrl = redis ? `redis://127.0.0.1:${redis.port}` : undefined;
  const redisEnv: Record<string, string> = redisUrl ? { REDIS_URL: redisUrl } : {};
  const env = environment({ ...command.env, ...database, ...redisEnv, ...notice, PORT: port });
  const started = await run(argv, { cwd: join(root, dir), env }, (out) =>
    /localhost:\d+/.test(out),
  );
  const target: Target = {
    ...newTarget(false, command),
    ...{ noticeFile, databasePath, pid: started.child.pid! },
  };
  target.log = () => readFileSync(started.file, 'utf8');
  target.running = () => running(started.child);
  redis?.users.push(target);
  // The port it serves on, or the one it found taken; none if it could not start.
  const actual = /localhost:(\d+)/.exec(started.output)?.[1] ?? (port === '0' ? '' : port);
  target.port = Number(actual);
  // The pids first: a pid may happen to be the port's number.
  let startup = labelPids(started.output, target);
  if (redisUrl) startup = startup.replaceAll(redisUrl, shownRedis!);
  if (actual) startup = startup.replace(new RegExp(`\\b${actual}\\b`, 'g'), target.shown);
  target.startup = startup;
  return target;
}

// The same app in this process: what `npm start` serves (src/server.ts's createApp and
// loadConfig), or what `npm run demo -- <name>` serves (shared/tools/demo.ts's createApp and
// key). Two demos wait 1.5 s (a lookup, a save) so that two curls typed on one line
// overlap; here they wait in a gate instead, which the `$` line opens once every request
// it has sent so far has reached it: the same overlap, at once, on any machine.
async function serveHere(guide: Guide, dir: string, command: ParsedNpm): Promise<Target> {
  // The lessons' blocks get modules of their own: a naive variant's module-level count
  // starts again at 0 there, as in the reader's new server.
  const fresh = guide.file === GUIDES[0] ? '' : `?${encodeURIComponent(guide.file)}`;
  const at = (path: string) =>
    import(new URL(`../../${dir}/${path}${fresh}`, import.meta.url).href);
  const served = newTarget(true, command);
  served.noticeFile = noticeCopy(dir);
  served.databasePath = newDatabase(dir, command.env.DATABASE_PATH);
  const gate = () =>
    served.open ? Promise.resolve() : new Promise<void>((go) => served.held.push(go));
  const app: Koa = await oneAtATime(async () => {
    // From step 05 on, the app's database, opened as src/server.ts and the demo open it.
    const { databasePath } = served;
    const db = databasePath ? (await at('src/db.ts')).openDatabase(databasePath) : undefined;
    if (command.script === 'demo') {
      const { createApp } = await at(`pitfalls/${command.args[0]}.ts`);
      const { noticeFile } = served;
      return createApp({
        keys: ['demo key, not a secret'],
        lookup: gate,
        save: gate,
        noticeFile,
        db,
        databasePath,
      });
    }
    const { createApp } = await at('src/app.ts');
    // The step's own settings (src/config.ts), or in a step without settings of its own,
    // the platform's, as its src/server.ts reads them.
    const loadConfig = existsSync(new URL(`../../${dir}/src/config.ts`, import.meta.url))
      ? (await at('src/config.ts')).loadConfig
      : (env: Environment) => ({ ...baseSettings(env), keys: sessionKeys(env, () => {}) });
    const notice = served.noticeFile ? { NOTICE_FILE: served.noticeFile } : {};
    const database = databasePath ? { DATABASE_PATH: databasePath } : {};
    return createApp({
      ...loadConfig({ ...command.env, ...notice, ...database }, () => {}),
      db,
    });
  });
  const server = createServer(app.callback()).listen(0, '127.0.0.1');
  servers.add(server);
  await new Promise((listening) => server.once('listening', listening));
  served.port = (server.address() as AddressInfo).port;
  return served;
}

// Until every request in flight to a server in this process has been answered or is
// waiting in its gate.
async function settled(server: Target | undefined) {
  while (server?.here && server.held.length !== server.inFlight) await sleep(1);
}
function openGate(server: Target | undefined, open: boolean) {
  if (!server) return;
  server.open = open;
  if (open) server.held.splice(0).forEach((go) => go());
}

// One terminal's state: its file and folder, the server(s) beside it, its cookie files.
interface Terminal {
  guide: Guide;
  dir: string;
  situation?: string;
  beside?: Target; // the first server beside it, whose pids and files it sees
  servers: Target[]; // every server beside it, which curl's URLs choose between
  files: Map<string, Map<string, string>>;
  labels: Map<string, string>; // session ids and CSRF tokens shown: value → <id 1>…
  starts?: Map<string, number>; // the servers whose start-up it shows: which instance
  // What a command printed that a grep after it found nothing in: said in the report of a
  // block that does not show what the run prints, which would otherwise show nothing.
  unmatched: string[];
}

// curl, for the options the guide uses. Like curl, it keeps cookies only with -b or -c.
async function curl(args: string[], term: Terminal): Promise<string> {
  const flags = args.flatMap((arg) =>
    /^-[a-zA-Z]{2,}$/.test(arg) ? [...arg.slice(1)].map((f) => `-${f}`) : [arg],
  );
  const option = (name: string) => {
    const i = flags.indexOf(name);
    return i < 0 ? undefined : flags.splice(i, 2)[1];
  };
  const has = (name: string) => {
    const i = flags.indexOf(name);
    if (i >= 0) flags.splice(i, 1);
    return i >= 0;
  };
  const data = option('-d');
  const method = option('-X') ?? (data === undefined ? 'GET' : 'POST');
  const [read, save, writeOut = ''] = [option('-b'), option('-c'), option('-w')];
  const discard = option('-o');
  const [silent, include, follow] = [has('-s'), has('-i'), has('-L')];
  if (!silent) throw new Error('write curl -s: without it curl may show a progress meter');
  if (discard !== undefined && discard !== '/dev/null')
    throw new Error('curl -o: only /dev/null here');
  if (!flags.length || flags.some((flag) => !/^https?:\/\//.test(flag)))
    throw new Error(`curl: cannot run ${flags.join(' ')}`);
  // Like curl's own -o, which applies to the first URL only.
  if (discard && flags.length > 1) throw new Error('curl -o /dev/null: give one URL');
  if (!term.servers.length)
    throw new Error('curl needs a server: add ", beside <command>" to the marker');
  const jar = new Map(read && !read.includes('=') ? term.files.get(read) : []);
  const given = read?.includes('=') ? read : undefined;
  // One connection for the whole command, kept open between its URLs, as curl does: with
  // several workers, a curl's requests all reach the worker that its connection reached.
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let output = '';
  try {
    for (const first of flags) {
      let [url, sending, verb] = [new URL(first), data, method];
      for (;;) {
        const server = term.servers.find((target) => target.shown === url.port);
        if (!server) throw new Error(`curl: no server beside it on port ${url.port || 80}`);
        const cookies = [...jar].map(([name, value]) => `${name}=${value}`);
        const headers: Record<string, string> = {
          Host: url.host,
          'User-Agent': 'curl',
          Accept: '*/*',
        };
        if (given || cookies.length)
          headers.Cookie = [given, ...cookies].filter(Boolean).join('; ');
        if (sending !== undefined)
          headers['Content-Type'] = 'application/x-www-form-urlencoded';
        server.inFlight += 1;
        const path = url.pathname + url.search;
        const res = await new Promise<IncomingMessage>((resolve, reject) =>
          request({ port: server.port, host: '127.0.0.1', path, method: verb, headers, agent })
            .on('response', resolve)
            .on('error', reject)
            .end(sending),
        );
        let body = '';
        for await (const chunk of res.setEncoding('utf8')) body += chunk;
        server.inFlight -= 1;
        for (const header of ([] as string[]).concat(res.headers['set-cookie'] ?? [])) {
          const [, name, value] = /^([^=]+)=([^;]*)/.exec(header)!;
          const expires = /expires=([^;]+)/i.exec(header)?.[1];
          if (expires && Date.parse(expires) < Date.now()) jar.delete(name);
          else jar.set(name, value);
        }
        if (include) {
          const pairs = res.rawHeaders.flatMap((h, i) =>
            i % 2 ? [] : [`${h}: ${res.rawHeaders[i + 1]}`],
          );
          output += [
            `HTTP/${res.httpVersion} ${res.statusCode} ${res.statusMessage}`,
            ...pairs,
            '',
            '',
          ].join('\n');
        }
        const location = res.headers.location;
        if (follow && location && [301, 302, 303, 307, 308].includes(res.statusCode!)) {
          if (res.statusCode! <= 303) [verb, sending] = ['GET', undefined];
          url = new URL(location, url);
          continue;
        }
        // -w's variables: %header{name} (curl 7.84 and later) and %{http_code}.
        const written = writeOut
          .replace(/%header\{([^}]+)\}/g, (_, name: string) => {
            const value = res.headers[name.toLowerCase()];
            return Array.isArray(value) ? value.join(', ') : (value ?? '');
          })
          .replaceAll('%{http_code}', String(res.statusCode))
          .replaceAll('\\n', '\n');
        output += (discard ? '' : body) + written;
        break;
      }
    }
  } finally {
    agent.destroy();
  }
  if (save) term.files.set(save, jar);
  return output;
}

// grep [-i] [-e word]... [word]: the lines holding any of the words.
function grep(args: string[], input: string): string {
  const ignoreCase = args.includes('-i');
  const words = args.filter((arg, i) => !arg.startsWith('-') || args[i - 1] === '-e');
  const wanted = words.map((w) => (ignoreCase ? w.toLowerCase() : w));
  const lines = input.replace(/\r/g, '').split('\n').filter(Boolean);
  return lines
    .filter((line) => wanted.some((w) => (ignoreCase ? line.toLowerCase() : line).includes(w)))
    .map((line) => `${line}\n`)
    .join('');
}

interface ParsedNpm {
  env: Record<string, string>;
  script: string;
  args: string[];
}
// `[NAME=value…] npm start | npm test | npm run <script> [-- args…]`, or undefined.
function parseNpm(words: string[]): ParsedNpm | undefined {
  const env: Record<string, string> = {};
  while (/^[A-Z_]+=/.test(words[0] ?? '')) {
    const [name, ...value] = words.shift()!.split('=');
    env[name] = value.join('=');
  }
  if (words[0] !== 'npm') return undefined;
  const [, verb, name, ...rest] = words;
  const script = verb === 'run' ? name : verb;
  const args = verb === 'run' ? rest : [name, ...rest].filter(Boolean);
  return { env, script, args: args[0] === '--' ? args.slice(1) : args };
}
const isServer = (command: ParsedNpm) =>
  command.script === 'start' || command.script === 'demo';

// Mocha's own spec reporter over a dry run: every test's name, none of them run (the
// step's `npm test` runs them). The reporter prints through one function, taken over here.
function dryRun(dir: string, files: string[]): Promise<string> {
  return oneAtATime(async () => {
    const mocha = new Mocha({ dryRun: true, reporter: 'spec', color: false });
    files.forEach((file) => mocha.addFile(join(root, dir, file)));
    const lines: string[] = [];
    const { Base } = Mocha.reporters;
    const [log, ok] = [Base.consoleLog, Base.symbols.ok];
    Base.consoleLog = (...args: unknown[]) => lines.push(format(...args));
    Base.symbols.ok = '✔'; // Windows's mocha shows √
    try {
      await mocha.loadFilesAsync();
      await new Promise((done) => mocha.run(done));
    } finally {
      [Base.consoleLog, Base.symbols.ok] = [log, ok];
    }
    return lines.join('\n') + '\n';
  });
}

// The test files a mocha command line names (a `*` in a file name is a wildcard), or
// every test file when it names none, as .mocharc.json says.
function testFiles(dir: string, args: string[]): string[] {
  const patterns = args.length ? args : ['test/*.ts'];
  return patterns.flatMap((pattern) => {
    const [folder, name] = [
      pattern.slice(0, pattern.lastIndexOf('/')),
      pattern.split('/').at(-1)!,
    ];
    const match = new RegExp(`^${name.replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`);
    return readdirSync(join(root, dir, folder))
      .filter((file) => match.test(file))
      .sort()
      .map((file) => `${folder}/${file}`);
  });
}

// Node.js 20, as far as the preflight can tell: it reads process.version(s).
const OLD_NODE = [
  "Object.defineProperty(process, 'version', { value: 'v20.19.0' });",
  "Object.defineProperty(process.versions, 'node', { value: '20.19.0' });",
].join('');

// npm scripts that end, run as npm runs them but without npm's own lines: each program
// of the script in turn (the last with the `-- args`), mocha as a dry run. The
// situations change only the preflight. From step 05 on, the database is the server's
// beside it, or else a new one.
async function runScript(command: ParsedNpm, term: Terminal): Promise<string> {
  let output = '';
  const programs = scriptOf(term.dir, command.script);
  const databasePath = term.beside
    ? term.beside.databasePath
    : newDatabase(term.dir, command.env.DATABASE_PATH);
  const database: Record<string, string> = databasePath ? { DATABASE_PATH: databasePath } : {};
  for (const [i, [program, ...script]] of programs.entries()) {
    const args = i === programs.length - 1 ? [...script, ...command.args] : script;
    const argv =
      program === 'mocha'
        ? ['node', join(root, 'node_modules/mocha/bin/mocha.js'), ...args, '--dry-run']
        : [program, ...args];
    if (
      term.situation === 'before the root npm install' &&
      args[0]?.endsWith('preflight.mjs')
    ) {
      // A fresh clone: the same file, with no node_modules beside it.
      mkdirSync(join(scratch, 'shared/tools'), { recursive: true });
      copyFileSync(
        join(root, 'shared/tools/preflight.mjs'),
        join(scratch, 'shared/tools/preflight.mjs'),
      );
      argv[1] = join(scratch, 'shared/tools/preflight.mjs');
    }
    if (term.situation === 'on an old Node.js' && program === 'node') {
      argv.splice(1, 0, `--import=data:text/javascript,${encodeURIComponent(OLD_NODE)}`);
    }
    const env = environment({ ...command.env, ...database });
    const { output: printed, child } = await run(argv, { cwd: join(root, term.dir), env });
    output += printed;
    if (child.exitCode !== 0) break;
  }
  return output;
}

// echo words [> notice.txt]: beside a server, the redirection writes its notice's copy.
const REDIRECT = '\u0000>'; // what runLine puts in a command's words for an unquoted >
function echo(args: string[], term: Terminal): string {
  const at = args.indexOf(REDIRECT);
  const text = (at < 0 ? args : args.slice(0, at)).join(' ') + '\n';
  if (at < 0) return text;
  const file = term.beside?.noticeFile;
  if (args[at + 1] !== 'notice.txt' || args.length !== at + 2 || !file)
    throw new Error("echo '…' > notice.txt only, beside a server of a step with a notice");
  writeFileSync(file, text);
  return '';
}

// kill -9 <pid>: one of the workers of the server beside it, as a crash would. Then waits
// until its primary has said that the replacement started, as the reader waits for
// terminal 1 to say so.
async function kill(args: string[], term: Terminal): Promise<string> {
  const server = term.beside;
  const pid = Number(args[1]);
  if (args[0] !== '-9' || args.length !== 2 || !server || !workersOf(server).includes(pid))
    throw new Error('kill -9 <pid N> only, for a worker of the server beside it');
  const before = workersOf(server).length;
  process.kill(pid, 'SIGKILL');
  const deadline = Date.now() + 20_000;
  while (workersOf(server).length === before) {
    if (Date.now() > deadline) throw new Error(`no replacement for ${pid} after 20 s`);
    await sleep(5);
  }
  return '';
}

// cp <from> <to>: a copy of a cookie file that this terminal's curl wrote.
function cp(args: string[], term: Terminal): string {
  const jar = term.files.get(args[0]);
  if (args.length !== 2 || !jar) throw new Error('cp: only a cookie file that curl -c wrote');
  term.files.set(args[1], new Map(jar));
  return '';
}

// sqlite3 <file> 'SELECT …': the server's database beside it (the file shown for it),
// printed as sqlite3 prints it by default: one line a row, its columns separated by |.
async function sqlite3(args: string[], term: Terminal): Promise<string> {
  const path = term.beside?.databasePath;
  const file = path && databasesShown.get(path.slice(scratch.length + 1));
  if (args.length !== 2 || !path || args[0] !== file || !/^select /i.test(args[1]))
    throw new Error("sqlite3 <its file> 'SELECT …' only, beside a server of a step with one");
  const { DatabaseSync } = await import('node:sqlite');
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const rows = db.prepare(args[1]).all() as Record<string, unknown>[];
    const line = (row: Record<string, unknown>) => Object.values(row).map((v) => v ?? '');
    return rows.map((row) => `${line(row).join('|')}\n`).join('');
  } finally {
    db.close();
  }
}

// One command of a pipeline, with the output of the one before it.
async function command(words: string[], input: string, term: Terminal): Promise<string> {
  const [name, ...args] = words;
  if (name === 'curl') return curl(args, term);
  if (name === 'cp') return cp(args, term);
  if (name === 'echo') return echo(args, term);
  if (name === 'kill') return kill(args, term);
  if (name === 'sqlite3') return sqlite3(args, term);
  if (name === 'redis-server') return redisServer(args, term.guide);
  if (name === 'redis-cli') return redisCli(args, term.guide);
  if (name === 'grep') {
    const found = grep(args, input);
    if (!found) term.unmatched.push(`grep ${args.join(' ')} found nothing in:\n${input}`);
    return found;
  }
  if (name === 'node' && args[0] === '-e' && args.length === 2)
    return (await run(['node', ...args], { cwd: join(root, term.dir), env: process.env }))
      .output;
  if (name === 'npx' && args[0] === 'mocha')
    return dryRun(term.dir, testFiles(term.dir, args.slice(1)));
  const npm = parseNpm([...words]);
  if (npm && isServer(npm)) {
    // Beside a running server, another one finds its port taken, as on the reader's 6543.
    if (term.beside?.here) throw new Error('show the start-up of the server beside it too');
    if (term.beside)
      return (await startProcess(term.guide, term.dir, npm, String(term.beside.port))).startup;
    const text = words.join(' ');
    return (await serverFor(term.guide, term.dir, text, term.starts?.get(text) ?? 1)).startup;
  }
  if (npm?.script === 'pitfalls' && !term.situation && !Object.keys(npm.env).length)
    return dryRun(
      term.dir,
      testFiles(term.dir, scriptOf(term.dir, 'pitfalls').at(-1)!.slice(1)),
    );
  if (npm) return runScript(npm, term);
  throw new Error(`cannot run ${words.join(' ')}`);
}

// Runs one `$` line: statements separated by ; or &, each a pipeline.
async function runLine(line: string, term: Terminal): Promise<string> {
  // for i in a b c; do …; done: the body once per word (it cannot use $i here).
  const loop = /^for \w+ in ([^;]+); do (.+); done$/.exec(line);
  if (loop) {
    let output = '';
    const times = loop[1].trim().split(/\s+/).length;
    for (let i = 0; i < times; i += 1) output += await runLine(loop[2], term);
    return output;
  }
  // <pid N> and <primary pid> stand for the pids they name in the outputs.
  const labels = [...pidLabels(term.beside)];
  line = line.replace(/<pid \d+>|<primary pid>/g, (label) => {
    const found = labels.find(([, shown]) => shown === label);
    if (!found) throw new Error(`${label} is not a pid of the server beside it`);
    return String(found[0]);
  });
  // <id N> and <token N> stand for the values this terminal showed under those labels.
  line = line.replace(/<(id|token) \d+>/g, (label) => {
    const found = [...term.labels].find(([, shown]) => shown === label);
    if (!found) throw new Error(`${label} is not a value this terminal has shown`);
    return found[0];
  });
  let tokens = tokenize(line);
  const op = (t: Token | undefined, o: string) => typeof t === 'object' && t.op === o;
  if (op(tokens[0], '(') && op(tokens.at(-1), ')')) tokens = tokens.slice(1, -1);
  const outputs: string[] = [];
  const jobs: Promise<unknown>[] = [];
  const server = term.beside;
  // The shell now waits for answers: the requests it has sent may all go on.
  const waitFor = async (job: Promise<unknown>) => {
    await settled(server);
    openGate(server, true);
    await job;
    openGate(server, false);
  };
  let statement: string[][] = [[]];
  for (const token of [...tokens, { op: ';' }]) {
    if (typeof token === 'string') statement.at(-1)!.push(token);
    else if (token.op === '>') statement.at(-1)!.push(REDIRECT);
    else if (token.op === '|') statement.push([]);
    else if (token.op === ';' || token.op === '&') {
      const [first, ...rest] = statement;
      statement = [[]];
      if (!first.length) continue;
      if (first[0] === 'wait') await waitFor(Promise.all(jobs));
      else if (first[0] === 'sleep')
        await (server?.here ? settled(server) : sleep(1000 * Number(first[1])));
      else {
        const job = (async () => {
          let text = await command(first, '', term);
          for (const next of rest) text = await command(next, text, term);
          if (text && !text.endsWith('\n'))
            throw new Error("its output does not end with a newline: add -w '\\n'");
          outputs.push(text);
        })();
        if (token.op === '&') jobs.push(job);
        else await waitFor(job);
      }
    } else throw new Error(`cannot run ${token.op} here`);
  }
  await waitFor(Promise.all(jobs));
  return outputs.join('');
}

// The servers, one per folder, command and instance, started when first needed. Each
// block that shows a server's start-up starts instance 1, 2…, as the reader restarts it;
// the blocks beside that command use the latest instance shown before them, or
// instance 0 when none is. Shown servers, servers with workers and servers with Redis run
// as real processes; the others are served in this process.
function serverFor(guide: Guide, dir: string, text: string, instance: number) {
  const { started } = guide;
  const key = `${dir} ${text} #${instance}`;
  if (!started.has(key)) {
    const npm = parseNpm(text.split(' '));
    if (!npm || !isServer(npm)) throw new Error(`"${text}" is not npm start or npm run demo`);
    const real = instance > 0 || npm.env.WORKERS !== undefined || !!npm.env.REDIS_URL;
    started.set(key, real ? startProcess(guide, dir, npm) : serveHere(guide, dir, npm));
  }
  return started.get(key)!;
}

// One file's state: its servers (a demo's state, such as a count, is not another
// file's) and its Redis for each port its lines name (another file's `redis-cli -p <port>
// shutdown` does not stop it).
interface Guide {
  file: string;
  started: Map<string, Promise<Target>>; // its servers, by folder, command and instance
  redises: Map<string, Promise<Redis>>; // by the port shown
  redisStarted: Set<string>; // the ports that its redis-server lines name
}
// What one file's check found, each at its line (0: the file as a whole).
type Found = { line: number; text: string };

// The guide's blocks, run and compared (or written).
const block =
  /^([ \t]*)<!-- output: ([^,]+?)(?:, (beside .+?|before the root npm install|on an old Node\.js))? -->\n\1```console\n([\s\S]*?)\1```\n\1<!-- \/output -->/gm;
const requireRedis = !/^(|0|false|no)$/i.test(process.env.REQUIRE_REDIS ?? '');
async function check(file: string) {
  const guide: Guide = {
    file,
    started: new Map(),
    redises: new Map(),
    redisStarted: new Set(),
  };
  const problems: Found[] = [];
  const unchecked: Found[] = []; // the blocks that need redis-server, where it is missing
  const path = join(root, file);
  const text = readFileSync(path, 'utf8').replace(/\r\n/g, '\n');
  const instances = new Map<string, number>(); // the latest of each server, in order
  const blocks = [...text.matchAll(block)].map((m) => {
    const [whole, indent, dir, where = '', body] = m;
    const lines = body.split('\n').map((l) => l.slice(indent.length));
    const commands = lines.filter((l) => l.startsWith('$ ')).map((l) => l.slice(2));
    const beside = where.startsWith('beside ') ? where.slice(7) : undefined;
    const besides = beside?.split(' and ') ?? [];
    for (const [, port] of commands.map((c) => /^redis-server --port (\d+) /.exec(c) ?? []))
      if (port) guide.redisStarted.add(port);
    const starts = new Map<string, number>();
    for (const c of beside ? [] : commands) {
      const npm = parseNpm(c.split(' '));
      if (!npm || !isServer(npm)) continue;
      const instance = (instances.get(`${dir} ${c}`) ?? 0) + 1;
      instances.set(`${dir} ${c}`, instance);
      starts.set(c, instance);
    }
    const instance = besides.map((server) => instances.get(`${dir} ${server}`) ?? 0);
    const line = text.slice(0, m.index).split('\n').length;
    const shared = { whole, indent, dir, where, besides, commands, line, body };
    return { ...shared, instance, starts, output: '', unmatched: [] as string[] };
  });
  const opened = text.match(/^[ \t]*<!-- output: /gm)?.length ?? 0;
  if (opened !== blocks.length)
    problems.push({
      line: 0,
      text: `${file}: an output marker is not followed by a console block and <!-- /output -->`,
    });
  // Every block at once: each is a terminal of its own, with its own cookie files.
  // A server is shared by the blocks beside it, so they must not depend on its state.
  await Promise.all(
    blocks.map(async (b) => {
      try {
        const term: Terminal = {
          ...{ guide, dir: b.dir, servers: [], files: new Map(), labels: new Map() },
          starts: b.starts,
          unmatched: b.unmatched,
        };
        if (!b.besides.length) term.situation = b.where || undefined;
        // Two servers beside one terminal: two machines, which have a file each.
        const files = b.besides.map((c) => parseNpm(c.split(' '))?.env.DATABASE_PATH);
        const database = existsSync(join(root, b.dir, 'src/db.ts'));
        if (database && files.length > 1 && new Set(files).size < files.length)
          throw new Error('give each server beside it a DATABASE_PATH of its own');
        term.servers = await Promise.all(
          b.besides.map((c, i) => serverFor(guide, b.dir, c, b.instance[i])),
        );
        term.beside = term.servers[0];
        const parts: string[] = [];
        for (const c of b.commands) {
          const printed = normalise(await runLine(c, term));
          const out = labelValues(labelPids(printed, term.beside), term)
            .replace(/^\n+/, '')
            .trimEnd();
          parts.push(`$ ${c}`, ...(out ? out.split('\n') : []));
        }
        b.output = parts.map((l) => (l ? b.indent + l : l)).join('\n') + '\n';
      } catch (error) {
        const found = { line: b.line, text: `${file}:${b.line}` };
        if (error instanceof NeedsRedis && !requireRedis) unchecked.push(found);
        else problems.push({ ...found, text: `${found.text}: ${(error as Error).message}` });
        b.output = b.body;
      }
    }),
  );
  let updated = text;
  for (const b of blocks) {
    if (b.output === b.body) continue;
    if (!write) {
      const [was, is] = [b.body.split('\n'), b.output.split('\n')];
      let at = 0;
      while (was[at] === is[at]) at += 1;
      const line = b.line + 2 + at;
      problems.push({
        line,
        text:
          `${file}:${line}: the guide shows\n  ${was[at] ?? '(nothing)'}\n` +
          `but a run prints\n  ${is[at] ?? '(nothing)'}` +
          b.unmatched.map((text) => `\n(${text.trimEnd().slice(0, 2000)})`).join(''),
      });
    }
    updated = updated.replace(
      b.whole,
      b.whole.replace(b.body, () => b.output),
    );
  }
  if (write && updated !== text) writeFileSync(path, updated);
  // In the order of the file's lines, whichever block finished first.
  const inOrder = (found: Found[]) => found.sort((a, b) => a.line - b.line).map((f) => f.text);
  return { problems: inOrder(problems), unchecked: inOrder(unchecked) };
}

// Every file at once, each with servers and Redis of its own; reported file by file.
const problems: string[] = [];
const unchecked: string[] = [];
try {
  for (const found of await Promise.all(GUIDES.map(check))) {
    problems.push(...found.problems);
    unchecked.push(...found.unchecked);
  }
} finally {
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
  // Every process started (workers too) is ended, and waited for: none outlives the check.
  const ended = [...children].map((child) => new Promise((end) => child.once('exit', end)));
  children.forEach(endGroup);
  await Promise.all(ended);
}

const took = `${Math.round(performance.now() - began)} ms`;
if (unchecked.length)
  console.warn(
    `docs: not checked, for redis-server is not installed: ${unchecked.join(', ')}\n` +
      '  (install it, or set REQUIRE_REDIS=1 to make this a failure)',
  );
if (problems.length) {
  console.error(problems.join('\n'));
  console.error(
    `\n${problems.length} problem(s) (${took}). To refresh: npm run docs:transcripts -- --write`,
  );
  process.exitCode = 1;
} else {
  const shown = unchecked.length ? 'every other output' : 'every output shown';
  console.log(`docs: ${shown} is what a run prints (${took})`);
}
