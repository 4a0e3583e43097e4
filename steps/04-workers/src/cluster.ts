import cluster from 'node:cluster';
import type { Worker } from 'node:cluster';
import type { Config } from './config.ts';
import { cannotStart, whenOrphaned } from './serve.ts';

// A worker that dies is replaced at once. If its replacements keep dying (a crash loop),
// each waits twice as long as the one before, up to MAX_RESTART_DELAY, instead of
// spinning; STABLE_AFTER with no death, once the newest worker serves, ends the streak.
export const FIRST_RESTART_DELAY = 100; // ms
export const MAX_RESTART_DELAY = 10_000;
export const STABLE_AFTER = 10_000;

// How long to wait after the streak's `crashes`-th death.
export const restartDelay = (crashes: number) =>
  crashes === 0 ? 0 : Math.min(FIRST_RESTART_DELAY * 2 ** (crashes - 1), MAX_RESTART_DELAY);

// The streak of deaths, told each time a worker starts serving or dies (`now` in ms); a
// death gets the delay before its replacement. The streak ends only when no worker has
// died for STABLE_AFTER since the newest one started serving. A timer per worker would
// let an older, healthy worker end a streak that another one's replacements are causing.
export function crashStreak() {
  let crashes = 0;
  let servingSince: number | undefined; // the newest worker's start, if none died since
  return {
    serving(now: number) {
      servingSince = now;
    },
    died(now: number) {
      if (servingSince !== undefined && now - servingSince >= STABLE_AFTER) crashes = 0;
      servingSince = undefined;
      return restartDelay(crashes++);
    },
  };
}

// #region primary
// The primary process: it never builds the app and serves nothing itself. It starts the
// workers, replaces any that die, and stops them all on Ctrl-C or SIGTERM.
export function manageWorkers({ workers, shutdownTimeout }: Config) {
  let serving = false; // until every worker has listened once, a death means "cannot start"
  let stopping = false;
  const streak = crashStreak();
  const restarts = new Set<NodeJS.Timeout>();
  const listening = new Set<Worker>();
  const running = () => Object.values(cluster.workers ?? {}) as Worker[];

  cluster.on('listening', (worker, address) => {
    console.log(`Worker ${worker.process.pid} started`);
    listening.add(worker);
    streak.serving(Date.now());
    worker.once('exit', () => listening.delete(worker));
    if (!serving && listening.size === workers) {
      serving = true;
      const url = `http://localhost:${address.port}`;
      console.log(`Serving on ${url} with ${workers} workers (primary ${process.pid})`);
    }
  });

  cluster.on('exit', (worker, code, signal) => {
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    if (stopping) {
      if (running().length === 0) process.exit(0);
      return;
    }
    // It could not start (a port in use, say): its replacements would fail the same way.
    // Exit code 1 means it has said why.
    if (!serving) {
      running().forEach((w) => w.process.kill('SIGKILL'));
      cannotStart(
        code === 1 ? undefined : `worker ${worker.process.pid} ${how} while starting`,
      );
    }
    const delay = streak.died(Date.now());
    const when = delay ? ` in ${delay} ms` : '';
    console.log(`Worker ${worker.process.pid} ${how}; starting a replacement${when}`);
    const restart = setTimeout(() => {
      restarts.delete(restart);
      cluster.fork();
    }, delay);
    restarts.add(restart);
  });

  // Each worker finishes its requests in flight, as a single process would, within the
  // same SHUTDOWN_TIMEOUT; one still running a second after that deadline is killed.
  // A second signal stops everything at once.
  function shutDown(reason: string) {
    if (stopping) {
      running().forEach((w) => w.process.kill('SIGKILL'));
      process.exit(1);
    }
    stopping = true;
    restarts.forEach(clearTimeout);
    console.log(
      `${reason}: stopping ${running().length} workers, waiting up to ${shutdownTimeout}s ` +
        'for requests in flight',
    );
    if (running().length === 0) process.exit(0);
    for (const worker of running()) if (worker.isConnected()) worker.send('shut down');
    setTimeout(
      () => {
        console.log(`Stopping the workers still running after ${shutdownTimeout}s`);
        running().forEach((w) => w.process.kill('SIGKILL'));
        process.exit(0);
      },
      shutdownTimeout * 1000 + 1000,
    ).unref();
  }
  process.on('SIGINT', shutDown);
  process.on('SIGTERM', shutDown);
  whenOrphaned(shutDown);

  // One worker first, and the others once it serves: a problem that stops one worker
  // from starting would stop them all, and one of them is enough to say so.
  cluster.fork();
  cluster.once('listening', () => {
    for (let i = 1; i < workers; i++) cluster.fork();
  });
}
// #endregion primary
