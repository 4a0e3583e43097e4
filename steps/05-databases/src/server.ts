import cluster from 'node:cluster';
import { manageWorkers, orStop, serve } from '@course/platform';
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';
import type { SiteDatabase } from './db.ts';

// The only file that starts the server, and the only one that reads the environment.
// Every setting is checked here, at start-up (src/config.ts): a typo stops the server in
// one line. Each worker reads them again; the primary has already warned about them.
const settings = orStop(() =>
  loadConfig(process.env, cluster.isWorker ? () => {} : console.warn),
);

// Each serving process opens its own connection, or stops the start in one line. Imported
// here, so that a primary never loads node:sqlite (nor its warning, before Node 24.15).
async function open(path: string): Promise<SiteDatabase> {
  const { openDatabase } = await import('./db.ts');
  const who = cluster.isWorker ? `Worker ${process.pid}: ` : '';
  return orStop(() => openDatabase(path, { onFileGone: (m) => console.error(`${who}${m}`) }));
}

// Serves on PORT, and on Ctrl-C or SIGTERM finishes the requests in flight (the platform's
// serve). With WORKERS above 1, this process is the primary, which only starts and watches
// the workers (manageWorkers): node:cluster runs this file again in each worker, which
// builds its own app, with its own memory, and serves on the shared port. What they
// share is in the database file.
if (settings.workers > 1 && cluster.isPrimary) manageWorkers(settings);
else serve(createApp({ ...settings, db: await open(settings.databasePath) }), settings);
