import cluster from 'node:cluster';
import type { Worker } from 'node:cluster';
import { crashStreak } from './restarts.ts';
import { cannotStart, whenOrphaned } from './stop.ts';

export interface WorkerOptions {
  workers: number; // how many processes serve
  shutdownTimeout: number; // seconds each has to finish its requests in flight
}

const running = () => Object.values(cluster.workers ?? {}) as Worker[];
const killAll = () => running().forEach((w) => w.process.kill('SIGKILL'));

// The primary process: it never builds the app and serves nothing itself. It starts the
// workers, replaces any that die, and stops them all on Ctrl-C or SIGTERM.
export function manageWorkers({ workers, shutdownTimeout }: WorkerOptions) {
  const state: State = {
    serving: false,
    stopping: false,
    restarts: new Set(),
    streak: crashStreak(),
  };
  announceWhenServing(workers, state);
  replaceTheDead(state);
  const shutDown = (reason: string) => stopWorkers(reason, shutdownTimeout, state);
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

// What the primary knows: whether every worker has served once, whether it is stopping,
// the replacements it is waiting to start, and the streak of deaths.
type State = {
  serving: boolean;
  stopping: boolean;
  restarts: Set<NodeJS.Timeout>;
  streak: ReturnType<typeof crashStreak>;
};

// Each worker says when it serves; once all of them have, the primary gives the address.
function announceWhenServing(workers: number, state: State) {
  const listening = new Set<Worker>(); // until all have listened once, a death means "cannot start"
  cluster.on('listening', (worker, address) => {
    console.log(`Worker ${worker.process.pid} started`);
    listening.add(worker);
    state.streak.serving(Date.now());
    worker.once('exit', () => listening.delete(worker));
    if (!state.serving && listening.size === workers) {
      state.serving = true;
      const url = `http://localhost:${address.port}`;
      console.log(`Serving on ${url} with ${workers} workers (primary ${process.pid})`);
    }
  });
}

// A worker that dies is replaced, after the crash streak's delay.
function replaceTheDead(state: State) {
  cluster.on('exit', (worker, code, signal) => {
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    if (state.stopping) {
      if (running().length === 0) process.exit(0);
      return;
    }
    // It could not start (a port in use, say): its replacements would fail the same way.
    // Exit code 1 means it has said why.
    if (!state.serving) {
      killAll();
      cannotStart(
        code === 1 ? undefined : `worker ${worker.process.pid} ${how} while starting`,
      );
    }
    const delay = state.streak.died(Date.now());
    const when = delay ? ` in ${delay} ms` : '';
    console.log(`Worker ${worker.process.pid} ${how}; starting a replacement${when}`);
    const restart = setTimeout(() => {
      state.restarts.delete(restart);
      cluster.fork();
    }, delay);
    state.restarts.add(restart);
  });
}

// Each worker finishes its requests in flight, as a single process would, within the
// same SHUTDOWN_TIMEOUT; one still running a second after that deadline is killed.
// A second signal stops everything at once.
function stopWorkers(reason: string, shutdownTimeout: number, state: State) {
  if (state.stopping) {
    killAll();
    process.exit(1);
  }
  state.stopping = true;
  state.restarts.forEach(clearTimeout);
  console.log(
    `${reason}: stopping ${running().length} workers, waiting up to ${shutdownTimeout}s ` +
      'for requests in flight',
  );
  if (running().length === 0) process.exit(0);
  for (const worker of running()) if (worker.isConnected()) worker.send('shut down');
  setTimeout(
    () => {
      console.log(`Stopping the workers still running after ${shutdownTimeout}s`);
      killAll();
      process.exit(0);
    },
    shutdownTimeout * 1000 + 1000,
  ).unref();
}
