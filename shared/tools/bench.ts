// How fast things are, measured and printed. A benchmark, not a test: it never fails on
// speed, and nothing in `npm test` depends on it.
//
//   npm run bench [-- runs]
//     How long each step's `npm test` takes, as a learner runs it: whole runs (start-up
//     included), without and with the real-browser tests, the median of `runs` (default 3).
//
//   npm run bench -- workers [seconds [rounds]] [--new-connections]
//     A step's real server (`node src/server.ts`, NODE_ENV=production) with WORKERS=1 and
//     WORKERS=2, side by side: requests per second on the session page, the memory (RSS)
//     of the primary and of each worker, and how long the primary takes to replace a
//     killed worker. Each setup is measured `rounds` times (default 3) for `seconds`
//     (default 5), in turn; the median run is shown. SERVER_SETUPS below lists what is
//     measured: step 04's server, and step 05's, which also reads and writes its database
//     on every page (a new database file for every start, never the step's own).
//
//   npm run bench -- session-stores [seconds [rounds]]
//     The session page with the session in the cookie (step 05's server) beside step 06's
//     server with its SQLite store and with its Redis store (a redis-server this script
//     starts on a free port, nothing saved to disk, stopped at the end), each with
//     WORKERS=1 and WORKERS=2: requests per second and p99 latency, the median of
//     `rounds` (default 3) runs of `seconds` (default 5); and the bytes each request
//     sends in Cookie and gets back in Set-Cookie. The Redis rows are left out, with a
//     note, when redis-server is not installed.
//
//   npm run bench -- versus [seconds [rounds]]
//     The course's pages beside what a user would pick instead (shared/tools/bench/):
//     step 03's home page against Express 5 + cookie-session doing the same work, and
//     step 06's with Redis against Express 5 + express-session + connect-redis with the
//     same visit count and popular list in SQLite (step 06's own src/db.ts). One process
//     each (WORKERS=1), NODE_ENV=production, one visitor's cookie; in each of `rounds`
//     (default 5) rounds every server runs `seconds` (default 5), the pairs side by side;
//     requests/s and p99 (medians), and the ratio, round by round, against the target.
//
//   npm run bench -- lost-updates [page views [rounds]]
//     Step 05's naive read-modify-write counter (pitfalls/read-modify-write.ts) in 2 and
//     in 4 workers, and the step's own atomic counter in 2, through the step's
//     `npm run page-views`: `page views` (default 500) at once, 50 in flight, each on a
//     new connection; how many the database counted, `rounds` times (default 3).
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createConnection } from 'node:net';
import { constants, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, redisServerCommand, redisServerInstalled } from './redis-server.ts';
import { npm, root, stepDirs } from './npm.ts';

// ---------------------------------------------------------------------------------------
// The load generator: this file again, in a process of its own (so that it can be pinned
// to a CPU of its own), started by `workers` below. It prints one line of JSON.

interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  p50: number; // ms
  p99: number;
  cpu: number; // the load generator's own CPU time, as a share of one CPU
  serverCpu: Record<string, number>; // each server process's, by pid (Linux only)
}

// GET `url` with `cookie`; resolves once the response's body is read.
function get(url: string, cookie: string, agent: Agent | false) {
  return new Promise<{ status: number; servedBy: number; setCookie: string[] }>(
    (resolve, reject) => {
      const req = request(url, { agent, headers: cookie ? { cookie } : {} }, (res) => {
        res.resume();
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            servedBy: Number(res.headers['x-served-by']),
            setCookie: res.headers['set-cookie'] ?? [],
          }),
        );
        res.on('error', reject);
      });
      req.on('error', reject).end();
    },
  );
}

// The CPU time a process has used, in seconds: utime + stime in /proc/<pid>/stat, in
// clock ticks of 1/100 s (USER_HZ, 100 on Linux). Undefined elsewhere.
function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // fields 14 and 15 of stat
  } catch {
    return undefined;
  }
}

// `clients` loops, each sending one request at a time for `warmup` + `seconds` seconds;
// only the requests that end in the last `seconds` count, and the CPU times are taken
// over those seconds too. Keep-alive: each client keeps one connection open, as a browser
// or a proxy in front of the app does, so node:cluster hands it to a worker once. New
// connections: each request opens one and closes it, so the primary accepts and hands
// over a connection for every request.
async function generateLoad(args: string[]) {
  const [url, cookie, mode, pids, ...numbers] = args;
  const [clients, warmup, seconds] = numbers.map(Number);
  const keepAlive = mode === 'keep-alive';
  const agent = keepAlive ? new Agent({ keepAlive: true, maxSockets: clients }) : false;
  const latencies: number[] = [];
  let [counting, stopped, errors] = [false, false, 0];
  async function client() {
    while (!stopped) {
      const start = performance.now();
      try {
        const { status } = await get(url, cookie, agent);
        if (status !== 200) throw new Error(`status ${status}`);
        if (counting) latencies.push(performance.now() - start);
      } catch {
        if (counting) errors += 1;
      }
    }
  }
  const serverPids = pids.split(',').map(Number);
  const serverCpu = () => serverPids.map(cpuSeconds);
  const running = Promise.all(Array.from({ length: clients }, client));
  await sleep(warmup * 1000);
  counting = true;
  const [began, ownBefore, serverBefore] = [performance.now(), process.cpuUsage(), serverCpu()];
  await sleep(seconds * 1000);
  counting = false;
  const [own, serverAfter] = [process.cpuUsage(ownBefore), serverCpu()];
  const elapsed = (performance.now() - began) / 1000;
  stopped = true;
  await running;
  if (agent) agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (share: number) => latencies[Math.floor(share * (latencies.length - 1))] ?? NaN;
  const result: LoadResult = {
    requests: latencies.length,
    errors,
    seconds: elapsed,
    p50: at(0.5),
    p99: at(0.99),
    cpu: (own.user + own.system) / 1e6 / elapsed,
    serverCpu: Object.fromEntries(
      serverPids.flatMap((pid, i) => {
        const [before, after] = [serverBefore[i], serverAfter[i]];
        return before === undefined || after === undefined
          ? []
          : [[pid, (after - before) / elapsed]];
      }),
    ),
  };
  console.log(JSON.stringify(result));
}

if (process.argv[2] === '--load-generator') {
  await generateLoad(process.argv.slice(3));
  process.exit(0);
}

// ---------------------------------------------------------------------------------------
// `npm run bench -- workers`: real servers, measured.

// One server to measure: a step's `node src/server.ts`, with `env` on top of PRODUCTION.
// Steps 05 and later add their own rows (with whatever else their server needs in `env`).
interface ServerSetup {
  step: string; // a folder in steps/
  env: Record<string, string>;
  program?: string; // a file to run instead of the step's src/server.ts (in the step's folder)
}
const SERVER_SETUPS: ServerSetup[] = [
  { step: '04-workers', env: { WORKERS: '1' } },
  { step: '04-workers', env: { WORKERS: '2' } },
  // Every page also counts a visit (one UPDATE) and reads the popular list (one SELECT).
  { step: '05-databases', env: { WORKERS: '1' } },
  { step: '05-databases', env: { WORKERS: '2' } },
];
// Every setting the steps read (src/config.ts), and Redis's from step 06.
const APP_SETTINGS = [
  'NODE_ENV',
  'PORT',
  'SESSION_KEYS',
  'SECURE_COOKIES',
  'TRUST_PROXY',
  'PUBLIC_URL',
  'SHUTDOWN_TIMEOUT',
  'WORKERS',
  'NOTICE_FILE',
  'DATABASE_PATH',
  'REDIS_URL',
];
const PRODUCTION = {
  NODE_ENV: 'production', // templates compiled once; no development warnings
  SESSION_KEYS: 'a key for the benchmark only',
  PORT: '0', // a free port
};
const CLIENTS = 16; // concurrent clients: 8 connections per worker with two workers
const WARMUP = 1; // seconds before the counting starts (the JIT compiler warms up)

// Pinning, with taskset (Linux) when it is there: the load generator alone on the last
// CPU, the server on the others. With only two CPUs that leaves the server one, so a
// server with workers also gets a row on both CPUs, where one of them shares the load
// generator's CPU.
function hasTaskset(): boolean {
  if (process.platform !== 'linux') return false;
  const check = spawnSync('taskset', ['-c', '0', process.execPath, '-e', ''], {
    stdio: 'ignore',
  });
  return check.status === 0;
}
const range = (from: number, to: number) => (from === to ? `${from}` : `${from}-${to}`);
const pinned = (cpus: string | undefined, argv: string[]) =>
  cpus ? ['taskset', '-c', cpus, ...argv] : argv;

// The resident memory of a process in MB: VmRSS in /proc on Linux, else `ps`, else nothing.
function rssOf(pid: number): number | undefined {
  try {
    const kB = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    if (kB) return Number(kB) / 1024;
  } catch {
    // not Linux, or already gone
  }
  const ps = spawnSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' });
  const kB = Number(ps.stdout?.trim());
  return ps.status === 0 && kB > 0 ? kB / 1024 : undefined;
}

// Every server this script starts leads a process group (its workers are in it): all of
// them are ended when the script ends, however it ends.
const servers = new Set<ChildProcess>();
const endGroup = (child: ChildProcess) => {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
};
// From step 05 on, each server gets a new database in this folder, never the step's own;
// made when first needed, and removed with the servers, however the bench ends.
let databases: string | undefined;
let made = 0;
process.on('exit', () => {
  servers.forEach(endGroup);
  if (databases) rmSync(databases, { recursive: true, force: true });
});
// Ctrl-C, a kill, or the terminal closing (the servers, in groups of their own, would not
// get its SIGHUP): exit as a shell expects, 128 + the signal's number.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
  process.on(signal, () => process.exit(128 + constants.signals[signal]));

interface Running {
  child: ChildProcess;
  url: string;
  output: () => string;
  workers: () => number[]; // the pids in its "Worker N started" lines, in order
  processes: () => Array<[string, number]>; // [role, pid]: the primary, then each worker
}

// Starts a step's server (pinned to `cpus` if given) and waits until it serves.
async function startServer(setup: ServerSetup, cpus?: string): Promise<Running> {
  // Only the settings below and the setup's: none a shell may have set for itself.
  const env = { ...process.env };
  for (const name of APP_SETTINGS) delete env[name];
  const stepDir = `${root}/steps/${setup.step}`;
  databases ??= mkdtempSync(join(tmpdir(), 'bench-'));
  const database = existsSync(`${stepDir}/src/db.ts`)
    ? { DATABASE_PATH: join(databases, `site-${++made}.sqlite`) }
    : {};
  const [program, ...args] = pinned(cpus, [process.execPath, setup.program ?? 'src/server.ts']);
  const child = spawn(program, args, {
    cwd: stepDir,
    env: { ...env, ...PRODUCTION, ...database, ...setup.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  servers.add(child);
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const check = () => {
      const serving = /Serving on (http:\/\/localhost:\d+)/.exec(output);
      if (serving) resolve(serving[1].replace('localhost', '127.0.0.1'));
    };
    child.stdout!.on('data', check);
    child.once('exit', () => reject(new Error(`the server stopped:\n${output}`)));
  });
  const workers = () => [...output.matchAll(/^Worker (\d+) started$/gm)].map(([, p]) => +p);
  const processes = (): Array<[string, number]> => {
    const live = workers().slice(-Number(setup.env.WORKERS ?? 1));
    return live.length
      ? [
          ['primary', child.pid!],
          ...live.map((pid, i): [string, number] => [`worker ${i + 1}`, pid]),
        ]
      : [['the one process', child.pid!]];
  };
  return { child, url, output: () => output, workers, processes };
}

// Stops a server as a process manager would (SIGTERM to the primary), and waits for it;
// a primary that has already stopped (it crashed) only has its group ended.
async function stopServer(server: Running) {
  const { child } = server;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    const late = setTimeout(() => endGroup(child), 15_000);
    await exited;
    clearTimeout(late);
  }
  endGroup(child); // a worker the primary left behind
  servers.delete(child);
}

// A visitor's session: the cookie pair the home page sets on a first visit. Sent with
// every request, it makes each one read, verify, update and sign the session again.
async function sessionCookie(url: string): Promise<string> {
  const { setCookie } = await get(url, '', false);
  return setCookie.map((header) => header.split(';')[0]).join('; ');
}

// Runs the load generator (pinned to `cpus` if given) against a server.
async function measureLoad(
  server: Running,
  cookie: string,
  seconds: number,
  keepAlive: boolean,
  cpus?: string,
): Promise<LoadResult> {
  const self = fileURLToPath(import.meta.url);
  const pids = server
    .processes()
    .map(([, pid]) => pid)
    .join(',');
  const mode = keepAlive ? 'keep-alive' : 'new';
  const options = [CLIENTS, WARMUP, seconds].map(String);
  const generator = [
    process.execPath,
    self,
    '--load-generator',
    server.url,
    cookie,
    mode,
    pids,
  ];
  const [program, ...args] = pinned(cpus, [...generator, ...options]);
  const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const code = await new Promise((done) => child.once('exit', done));
  if (code !== 0) throw new Error(`the load generator failed (exit code ${code})`);
  return JSON.parse(output) as LoadResult;
}

// Kills one worker (the one that answers the next request) as a crash would, and times
// the primary's replacement: until it prints "Worker N started", then until a request
// (each on a new connection, so that round-robin reaches every worker) is served by N.
// Nothing else is sent meanwhile, so the new worker starts on an otherwise idle server.
async function timeReplacement(server: Running) {
  const before = server.workers().length;
  const { servedBy: victim } = await get(server.url, '', false);
  const killed = performance.now();
  process.kill(victim, 'SIGKILL');
  const deadline = killed + 20_000;
  while (server.workers().length === before) {
    if (performance.now() > deadline) throw new Error(`no replacement:\n${server.output()}`);
    await sleep(1);
  }
  const started = performance.now() - killed;
  const replacement = server.workers()[before];
  for (;;) {
    const { servedBy } = await get(server.url, '', false);
    if (servedBy === replacement) return { started, served: performance.now() - killed };
    if (performance.now() > deadline) throw new Error('the replacement serves nothing');
  }
}

// A small table: columns padded to their widest cell.
function printTable(rows: string[][]) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows)
    console.log(
      row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    );
}
const fixed = (value: number | undefined, digits = 0) =>
  value === undefined || Number.isNaN(value) ? '-' : value.toFixed(digits);
const percent = (share: number | undefined) =>
  share === undefined ? '-' : `${(share * 100).toFixed(0)}%`;

// One server setup, measured once: started, loaded, looked at, one worker killed, stopped.
interface Measured {
  rps: number;
  cells: string[]; // its row in the throughput table, after the setup and CPUs
  memory: string[][]; // its rows in the memory table, after the setup and CPUs
  replacement?: { started: number; served: number };
}
async function measureOnce(
  setup: ServerSetup,
  seconds: number,
  keepAlive: boolean,
  serverCpus?: string,
  loadCpu?: string,
): Promise<Measured> {
  const server = await startServer(setup, serverCpus);
  try {
    const atStart = new Map(server.processes().map(([, pid]) => [pid, rssOf(pid)]));
    const cookie = await sessionCookie(server.url);
    const load = await measureLoad(server, cookie, seconds, keepAlive, loadCpu);
    if (load.errors) process.stderr.write(`(${load.errors} errors) `);
    // The CPU time of each server process, as a share of one CPU: primary + workers.
    const cpu = server.processes().map(([, pid]) => load.serverCpu[pid]);
    const rps = load.requests / load.seconds;
    const known = cpu.every((share) => share !== undefined);
    // The server's CPU time per request: what one more worker cannot make cheaper.
    const perRequest = known ? (cpu.reduce((a, b) => a! + b!, 0)! / rps) * 1000 : undefined;
    const cells = [
      fixed(load.p50, 1),
      fixed(load.p99, 1),
      known ? cpu.map(percent).join(' + ') : '-',
      fixed(perRequest, 2),
      percent(load.cpu),
    ];
    const memory = server
      .processes()
      .map(([role, pid]) => [role, fixed(atStart.get(pid)), fixed(rssOf(pid))]);
    const replacement = server.workers().length ? await timeReplacement(server) : undefined;
    return { rps, cells, memory, replacement };
  } finally {
    await stopServer(server);
  }
}

const median = <T>(items: T[], key: (item: T) => number) =>
  [...items].sort((a, b) => key(a) - key(b))[Math.floor((items.length - 1) / 2)];

async function benchWorkers(args: string[]) {
  const newConnections = args.includes('--new-connections');
  const [secondsArg = '5', roundsArg = '3', ...extra] = args.filter((a) => !a.startsWith('--'));
  const [seconds, rounds] = [Number(secondsArg), Number(roundsArg)];
  if (!(seconds > 0) || !Number.isInteger(rounds) || rounds < 1 || extra.length) {
    console.error('usage: npm run bench -- workers [seconds [rounds]] [--new-connections]');
    process.exit(2);
  }
  const cpuCount = cpus().length;
  const pin = cpuCount >= 2 && hasTaskset();
  const loadCpu = pin ? String(cpuCount - 1) : undefined;
  const others = pin ? range(0, cpuCount - 2) : undefined;
  const every = pin ? range(0, cpuCount - 1) : undefined;
  const runs = SERVER_SETUPS.flatMap((setup) =>
    cpuCount === 2 && pin && Number(setup.env.WORKERS ?? 1) > 1
      ? [
          { setup, cpus: others },
          { setup, cpus: every },
        ]
      : [{ setup, cpus: others }],
  ).map((run) => ({ ...run, results: [] as Measured[] }));

  const connections = newConnections
    ? 'a new connection for every request'
    : 'one keep-alive connection each';
  console.log(
    `GET / with a session cookie (read and written on every request), NODE_ENV=production;\n` +
      `${CLIENTS} clients (node:http), ${connections}, counted for ${seconds} s after ` +
      `${WARMUP} s of warm-up; each setup ${rounds} times, in turn, the median run shown.\n` +
      `Node ${process.version}, ${cpuCount} CPUs, load average ` +
      `${loadavg()[0].toFixed(2)} before the run. ` +
      (pin
        ? `Pinned with taskset: the load generator on CPU ${loadCpu}, the server as shown.`
        : 'Not pinned (taskset is not available here, or there is one CPU).'),
  );
  // In turn, round after round, so that a slower minute of the machine hits every setup.
  for (let round = 1; round <= rounds; round += 1) {
    process.stderr.write(`round ${round} of ${rounds}:`);
    for (const run of runs) {
      run.results.push(
        await measureOnce(run.setup, seconds, !newConnections, run.cpus, loadCpu),
      );
      process.stderr.write(' .');
    }
    process.stderr.write('\n');
  }

  const throughput = [['setup', 'CPUs', 'requests/s', 'each run', 'ratio', 'p50 ms', 'p99 ms']];
  const cost = [['setup', 'CPUs', 'server CPU', 'CPU ms/request', 'load generator CPU']];
  const memory = [['setup', 'CPUs', 'process', 'RSS MB at start', 'after the load']];
  const replacements: string[] = [];
  for (const { setup, cpus: serverCpus, results } of runs) {
    const env = Object.entries(setup.env).map(([name, value]) => `${name}=${value}`);
    const [label, where] = [`${setup.step} ${env.join(' ')}`, serverCpus ?? 'any'];
    const typical = median(results, (result) => result.rps);
    const each = results.map((result) => fixed(result.rps)).join(' ');
    // Against the first setup in the same round: the machine's speed drifts between
    // rounds (other work on a shared host), much less within one.
    const ratios = results.map((result, round) => result.rps / runs[0].results[round].rps);
    const ratio = `${fixed(
      median(ratios, (r) => r),
      2,
    )}x`;
    const [p50, p99, ...rest] = typical.cells;
    throughput.push([label, where, fixed(typical.rps), each, ratio, p50, p99]);
    cost.push([label, where, ...rest]);
    memory.push(...typical.memory.map((row) => [label, where, ...row]));
    const timed = results.flatMap((result) => result.replacement ?? []);
    if (timed.length) {
      const { started, served } = median(timed, (t) => t.served);
      replacements.push(
        `${label} on CPUs ${where}: "Worker N started" ${fixed(started)} ms after the ` +
          `SIGKILL, first request served by N after ${fixed(served)} ms ` +
          `(the median of ${timed.length}: ${timed.map((t) => fixed(t.served)).join(', ')})`,
      );
    }
  }
  console.log(
    '\nThroughput: the median run; "each run" in the order they ran; "ratio" to the first ' +
      'row, round by round, the median',
  );
  printTable(throughput);
  console.log('\nCPU time over the counted seconds, as a share of one CPU (the median run)');
  printTable(cost);
  console.log('\nMemory');
  printTable(memory);
  console.log('\nReplacing a killed worker');
  for (const line of replacements) console.log(line);
  // Other work on the machine shows up here, and in the spread of "each run".
  console.log(`\nLoad average after the run: ${loadavg()[0].toFixed(2)}`);
}

// ---------------------------------------------------------------------------------------
// `npm run bench -- lost-updates`: how many page views a read-modify-write counter loses.

// One run of step 05's `npm run page-views` (its tools/page-views.ts, which starts the app
// in real workers on a database of its own): the page views it sent and the database
// counted.
function pageViews(app: string[], workers: number, count: number) {
  const script = `${root}/steps/05-databases/tools/page-views.ts`;
  const child = spawnSync(process.execPath, [script, ...app, String(count)], {
    cwd: `${root}/steps/05-databases`,
    env: { ...process.env, WORKERS: String(workers) },
    encoding: 'utf8',
  });
  const counted = /^expected (\d+), counted (\d+)/m.exec(child.stdout);
  if (child.status !== 0 || !counted)
    throw new Error(`page-views failed:\n${child.stdout}${child.stderr}`);
  return { sent: Number(counted[1]), counted: Number(counted[2]) };
}

async function benchLostUpdates(args: string[]) {
  const [countArg = '500', roundsArg = '3', ...extra] = args;
  const [count, rounds] = [Number(countArg), Number(roundsArg)];
  if (
    !Number.isInteger(count) ||
    count < 1 ||
    !Number.isInteger(rounds) ||
    rounds < 1 ||
    extra.length
  ) {
    console.error('usage: npm run bench -- lost-updates [page views [rounds]]');
    process.exit(2);
  }
  const setups = [
    { label: 'naive read-modify-write, WORKERS=2', app: ['read-modify-write'], workers: 2 },
    { label: 'naive read-modify-write, WORKERS=4', app: ['read-modify-write'], workers: 4 },
    { label: "step 05's atomic UPDATE, WORKERS=2", app: [], workers: 2 },
  ].map((setup) => ({ ...setup, counted: [] as number[] }));
  console.log(
    `${count} page views at once (50 in flight, each on a new connection), counted by the ` +
      `database; ${rounds} runs of each, in turn.\n` +
      `Node ${process.version}, ${cpus().length} CPUs, load average ` +
      `${loadavg()[0].toFixed(2)} before the run.`,
  );
  for (let round = 1; round <= rounds; round += 1) {
    process.stderr.write(`round ${round} of ${rounds}:`);
    for (const setup of setups) {
      setup.counted.push(pageViews(setup.app, setup.workers, count).counted);
      process.stderr.write(' .');
    }
    process.stderr.write('\n');
  }
  const rows = [['setup', 'counted (each run)', 'lost (median)']];
  for (const { label, counted } of setups) {
    const lost = 1 - median(counted, (n) => n) / count;
    rows.push([label, counted.join(' '), percent(lost)]);
  }
  console.log();
  printTable(rows);
}

// ---------------------------------------------------------------------------------------
// `npm run bench [-- runs]`: each step's `npm test`, timed.

function time(cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const child = npm(['test', '--silent'], { cwd, env, stdio: 'ignore' });
    child.on('close', (code) =>
      code === 0
        ? resolve(performance.now() - start)
        : reject(new Error(`npm test failed in ${cwd}`)),
    );
  });
}

// The median of `runs` timings, with a dot on stderr for each run so a long bench shows life.
async function medianTime(cwd: string, env: NodeJS.ProcessEnv, runs: number) {
  const times: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    times.push(await time(cwd, env));
    process.stderr.write('.');
  }
  return `${(median(times, (t) => t) / 1000).toFixed(2)} s`;
}

async function benchTests(runs: number) {
  console.log(`Median of ${runs} runs of each step's \`npm test\`, on Node ${process.version}`);
  console.log(`${'step'.padEnd(18)} ${'without browser'.padEnd(17)} with browser`);
  for (const step of await stepDirs()) {
    const cwd = `${root}/steps/${step}`;
    process.stderr.write(`${step} `);
    const fast = await medianTime(
      cwd,
      { ...process.env, SKIP_BROWSER: '1', REQUIRE_BROWSER: '' },
      runs,
    );
    // Only the steps with browser tests get the second column.
    const hasBrowser = readFileSync(`${cwd}/.mocharc.json`, 'utf8').includes('testing/browser');
    const full = hasBrowser
      ? await medianTime(cwd, { ...process.env, SKIP_BROWSER: '' }, runs)
      : '-';
    process.stderr.write('\n');
    console.log(`${step.padEnd(18)} ${fast.padEnd(17)} ${full}`);
  }
}

// ---------------------------------------------------------------------------------------
// `npm run bench -- session-stores`: where the session lives, and what that costs.

// A redis-server of the bench's own (pinned to `cpus` if given), on a free loopback port,
// with nothing saved to disk and a folder of its own in the bench's temporary folder; it
// leads a process group, like the servers, so it is ended however the bench ends.
// Undefined when redis-server is not installed.
async function startRedis(
  cpus?: string,
): Promise<{ url: string; child: ChildProcess } | undefined> {
  if (!redisServerInstalled()) return;
  const port = await freePort();
  databases ??= mkdtempSync(join(tmpdir(), 'bench-'));
  const dir = join(databases, 'redis');
  mkdirSync(dir, { recursive: true });
  const [program, ...args] = pinned(cpus, redisServerCommand(port, dir));
  const child = spawn(program, args, { detached: true, stdio: 'ignore' });
  servers.add(child);
  // Answers PING once it is up.
  const answers = () =>
    new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' }, () =>
        socket.write('PING\r\n'),
      );
      socket.once('data', (data) => {
        socket.destroy();
        resolve(String(data).startsWith('+PONG'));
      });
      socket.once('error', () => resolve(false));
    });
  for (let tries = 0; !(await answers()); tries += 1) {
    if (tries === 250 || child.exitCode !== null)
      throw new Error(`redis-server did not start on port ${port}`);
    await sleep(20);
  }
  return { url: `redis://127.0.0.1:${port}`, child };
}

// The bytes of a header's values, as they travel (one Set-Cookie line per cookie).
const bytes = (values: string[]) =>
  values.reduce((sum, value) => sum + Buffer.byteLength(value), 0);

async function benchSessionStores(args: string[]) {
  const [secondsArg = '5', roundsArg = '3', ...extra] = args;
  const [seconds, rounds] = [Number(secondsArg), Number(roundsArg)];
  if (!(seconds > 0) || !Number.isInteger(rounds) || rounds < 1 || extra.length) {
    console.error('usage: npm run bench -- session-stores [seconds [rounds]]');
    process.exit(2);
  }
  // As in `workers`: the load generator alone on the last CPU when taskset is there, the
  // servers and Redis on the others, unless that would leave them a single CPU (with two
  // CPUs, a second worker then shares the load generator's).
  const cpuCount = cpus().length;
  const loadCpu = cpuCount >= 2 && hasTaskset() ? String(cpuCount - 1) : undefined;
  const serverCpus = loadCpu && cpuCount > 2 ? range(0, cpuCount - 2) : undefined;
  const redis = await startRedis(serverCpus);
  const redisUrl = redis?.url;
  const stores: Array<{ label: string; step: string; env: Record<string, string> }> = [
    { label: 'cookie (step 05)', step: '05-databases', env: {} },
    { label: 'SQLite store (step 06)', step: '06-session_stores', env: {} },
    ...(redisUrl
      ? [
          {
            label: 'Redis store (step 06)',
            step: '06-session_stores',
            env: { REDIS_URL: redisUrl },
          },
        ]
      : []),
  ];
  const runs = stores.flatMap((store) =>
    ['1', '2'].map((workers) => ({
      label: store.label,
      setup: { step: store.step, env: { ...store.env, WORKERS: workers } },
      results: [] as Array<{ rps: number; p99: number; cookie: number; setCookie: number }>,
    })),
  );
  console.log(
    `GET / for one visitor with a session (it changes on every page view, so every request ` +
      `reads and writes it), NODE_ENV=production;\n${CLIENTS} clients (node:http), one ` +
      `keep-alive connection each, counted for ${seconds} s after ${WARMUP} s of warm-up; ` +
      `each setup ${rounds} times, in turn, the median run shown.\nNode ${process.version}, ` +
      `${cpuCount} CPUs, load average ${loadavg()[0].toFixed(2)} before the run. ` +
      (loadCpu
        ? `Pinned with taskset: the load generator on CPU ${loadCpu}, the servers` +
          `${redis ? ' and Redis' : ''} on ${serverCpus ? `CPUs ${serverCpus}` : 'any CPU'}.`
        : 'Not pinned (taskset is not available here, or there is one CPU).') +
      (redisUrl ? '' : '\nNo Redis rows: redis-server is not installed.'),
  );
  for (let round = 1; round <= rounds; round += 1) {
    process.stderr.write(`round ${round} of ${rounds}:`);
    for (const run of runs) {
      const server = await startServer(run.setup, serverCpus);
      try {
        // The visitor's second page view, as each request of the load: its Set-Cookie
        // shows the session saved (koa-session sends none for an unchanged session).
        const cookie = await sessionCookie(server.url);
        const { setCookie } = await get(server.url, cookie, false);
        if (!setCookie.length) throw new Error(`${run.label}: the session was not saved`);
        const load = await measureLoad(server, cookie, seconds, true, loadCpu);
        if (load.errors) process.stderr.write(`(${load.errors} errors) `);
        run.results.push({
          rps: load.requests / load.seconds,
          p99: load.p99,
          cookie: Buffer.byteLength(cookie),
          setCookie: bytes(setCookie),
        });
      } finally {
        await stopServer(server);
      }
      process.stderr.write(' .');
    }
    process.stderr.write('\n');
  }
  const table = [
    ['session', 'WORKERS', 'requests/s', 'each run', 'p99 ms', 'Cookie B', 'Set-Cookie B'],
  ];
  for (const { label, setup, results } of runs) {
    const typical = median(results, (result) => result.rps);
    const each = results.map((result) => fixed(result.rps)).join(' ');
    const sizes = [typical.cookie, typical.setCookie].map((size) => String(size));
    table.push([
      label,
      setup.env.WORKERS,
      fixed(typical.rps),
      each,
      fixed(typical.p99, 1),
      ...sizes,
    ]);
  }
  console.log();
  printTable(table);
  console.log(
    'Cookie B: the Cookie header each request sends; Set-Cookie B: the Set-Cookie headers ' +
      'of one response, one per cookie (values only, measured on a real response).',
  );
  console.log(`\nLoad average after the run: ${loadavg()[0].toFixed(2)}`);
  if (redis) endGroup(redis.child); // and so the bench can end
}

// ---------------------------------------------------------------------------------------
// `npm run bench -- versus`: the course's pages beside what a user would pick instead.

// Each pair: a step's page, and the same work in Express 5 (shared/tools/bench/), with
// the ratio the course aims for (the step's requests/s over Express's, at least).
interface Comparison {
  label: string;
  course: ServerSetup;
  express: ServerSetup;
  expressLabel: string;
  target: number;
}
const comparisons = (redisUrl?: string): Comparison[] => [
  {
    label: 'step 03, session in a cookie',
    course: { step: '03-flash', env: {} },
    express: {
      step: '03-flash',
      env: {},
      program: `${root}/shared/tools/bench/express-flash.ts`,
    },
    expressLabel: 'Express 5 + cookie-session',
    target: 1.5,
  },
  ...(redisUrl
    ? [
        {
          label: 'step 06, session in Redis',
          course: { step: '06-session_stores', env: { REDIS_URL: redisUrl } },
          express: {
            step: '06-session_stores',
            env: { REDIS_URL: redisUrl },
            program: `${root}/shared/tools/bench/express-stores.ts`,
          },
          expressLabel: 'Express 5 + express-session + connect-redis',
          target: 1.0,
        },
      ]
    : []),
];

interface Contest {
  rps: number;
  p99: number;
  perRequest?: number; // the server's CPU time per request, in ms (Linux only)
  generatorCpu: number;
}

// One server, started, given one visitor's cookie, loaded and stopped.
async function contest(
  setup: ServerSetup,
  seconds: number,
  serverCpus?: string,
  loadCpu?: string,
) {
  const server = await startServer(setup, serverCpus);
  try {
    const cookie = await sessionCookie(server.url);
    // The same work on both sides: the visitor's second page counts 2, with a CSRF token.
    const page = await (await fetch(server.url, { headers: { cookie } })).text();
    if (!page.includes('Count: 2') || !page.includes('name="_csrf"'))
      throw new Error(`${setup.program ?? setup.step}: not the session page:\n${page}`);
    const load = await measureLoad(server, cookie, seconds, true, loadCpu);
    if (load.errors) process.stderr.write(`(${load.errors} errors) `);
    const rps = load.requests / load.seconds;
    const cpu = load.serverCpu[server.child.pid!];
    const perRequest = cpu === undefined ? undefined : (cpu / rps) * 1000;
    return { rps, p99: load.p99, perRequest, generatorCpu: load.cpu };
  } finally {
    await stopServer(server);
  }
}

async function benchVersus(args: string[]) {
  const [secondsArg = '5', roundsArg = '5', ...extra] = args;
  const [seconds, rounds] = [Number(secondsArg), Number(roundsArg)];
  if (!(seconds > 0) || !Number.isInteger(rounds) || rounds < 1 || extra.length) {
    console.error('usage: npm run bench -- versus [seconds [rounds]]');
    process.exit(2);
  }
  // The load generator alone on the last CPU, the servers and Redis on the others.
  const cpuCount = cpus().length;
  const loadCpu = cpuCount >= 2 && hasTaskset() ? String(cpuCount - 1) : undefined;
  const serverCpus = loadCpu ? range(0, cpuCount - 2) : undefined;
  const redis = await startRedis(serverCpus);
  const pairs = comparisons(redis?.url).map((pair) => ({
    ...pair,
    results: [] as Array<{ course: Contest; express: Contest }>,
  }));
  console.log(
    `GET / for one visitor with a session (read and written on every request), ` +
      `NODE_ENV=production, WORKERS=1;
${CLIENTS} clients (node:http), one keep-alive ` +
      `connection each, counted for ${seconds} s after ${WARMUP} s of warm-up; ${rounds} ` +
      `rounds, each running every server in turn; medians.
Node ${process.version}, ` +
      `${cpuCount} CPUs, load average ${loadavg()[0].toFixed(2)} before the run. ` +
      (loadCpu
        ? `Pinned with taskset: the load generator on CPU ${loadCpu}, the servers` +
          `${redis ? ' and Redis' : ''} on CPUs ${serverCpus}.`
        : 'Not pinned (taskset is not available here, or there is one CPU).') +
      (redis ? '' : '\nNo Redis rows: redis-server is not installed.'),
  );
  // Round after round, the course's server and Express's in turn, so that a slower minute
  // of the machine hits both sides of a pair; which goes first alternates, so that neither
  // always runs after the other (on a warmer machine, or beside a Redis that just worked).
  const run = (setup: ServerSetup) => contest(setup, seconds, serverCpus, loadCpu);
  for (let round = 1; round <= rounds; round += 1) {
    process.stderr.write(`round ${round} of ${rounds}:`);
    for (const pair of pairs) {
      const [course, express] =
        round % 2
          ? [await run(pair.course), await run(pair.express)]
          : [await run(pair.express), await run(pair.course)].reverse();
      pair.results.push({ course, express });
      process.stderr.write(' . .');
    }
    process.stderr.write('\n');
  }
  const table = [
    ['page', 'server', 'requests/s', 'each run', 'p99 ms', 'CPU ms/request', 'generator CPU'],
  ];
  const verdicts: string[] = [];
  for (const { label, expressLabel, results, target } of pairs) {
    for (const side of ['course', 'express'] as const) {
      const runs = results.map((result) => result[side]);
      const typical = median(runs, (run) => run.rps);
      table.push([
        label,
        side === 'course' ? 'the course (Koa)' : expressLabel,
        fixed(typical.rps),
        runs.map((run) => fixed(run.rps)).join(' '),
        fixed(median(runs, (run) => run.p99).p99, 1),
        fixed(median(runs, (run) => run.perRequest ?? NaN).perRequest, 3),
        percent(typical.generatorCpu),
      ]);
    }
    // Round by round: the two ran within seconds of each other.
    const ratio = median(
      results.map(({ course, express }) => course.rps / express.rps),
      (r) => r,
    );
    const met = ratio >= target ? 'met' : 'NOT met';
    // The same, from the CPU time each request cost the server: what a busy machine (the
    // load generator slowed down by other work) disturbs least.
    const cpuRatios = results.flatMap(({ course, express }) =>
      course.perRequest && express.perRequest ? [express.perRequest / course.perRequest] : [],
    );
    const byCpu = cpuRatios.length
      ? `; by CPU time per request ${fixed(
          median(cpuRatios, (r) => r),
          2,
        )}x`
      : '';
    verdicts.push(
      `${label}: ${fixed(ratio, 2)}x ${expressLabel} (target ${target}x: ${met})${byCpu}`,
    );
  }
  console.log();
  printTable(table);
  console.log('\nThe course over Express, round by round, the median:');
  for (const line of verdicts) console.log(line);
  console.log(`\nLoad average after the run: ${loadavg()[0].toFixed(2)}`);
  if (redis) endGroup(redis.child); // and so the bench can end
}

if (process.argv[2] === 'versus') await benchVersus(process.argv.slice(3));
else if (process.argv[2] === 'workers') await benchWorkers(process.argv.slice(3));
else if (process.argv[2] === 'session-stores') await benchSessionStores(process.argv.slice(3));
else if (process.argv[2] === 'lost-updates') await benchLostUpdates(process.argv.slice(3));
else {
  const runs = Number(process.argv[2] ?? 3);
  if (!Number.isInteger(runs) || runs < 1) {
    console.error(
      'usage: npm run bench -- [runs]            runs: a whole number, 1 or more (default 3)\n' +
        '       npm run bench -- workers [seconds [rounds]] [--new-connections]\n' +
        '       npm run bench -- session-stores [seconds [rounds]]\n' +
        '       npm run bench -- versus [seconds [rounds]]\n' +
        '       npm run bench -- lost-updates [page views [rounds]]',
    );
    process.exit(2);
  }
  await benchTests(runs);
}
