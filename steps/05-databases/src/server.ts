import cluster from 'node:cluster';
import { createApp } from './app.ts';
import { manageWorkers } from './cluster.ts';
import { loadConfig } from './config.ts';
import type { Config } from './config.ts';
import type { SiteDatabase } from './db.ts';
import { cannotStart, serve } from './serve.ts';

// The only file that starts the server, and the only one that reads the environment.
let config: Config;
try {
  // Each worker reads the settings again; the primary has already warned about them.
  config = loadConfig(process.env, cluster.isWorker ? () => {} : console.warn);
} catch (error) {
  cannotStart((error as Error).message);
}

// Each process that serves opens its own connection to the database file; a file it
// cannot open or create stops the start with one line saying what to fix. src/db.ts is
// imported here, not at the top: the primary of several workers serves nothing, so it
// never loads node:sqlite (whose warning Node 22, and 24 before 24.15, print in each
// process that does).
async function open(path: string): Promise<SiteDatabase> {
  const { openDatabase } = await import('./db.ts');
  const who = cluster.isWorker ? `Worker ${process.pid}: ` : '';
  try {
    return openDatabase(path, { onFileGone: (message) => console.error(`${who}${message}`) });
  } catch (error) {
    cannotStart((error as Error).message);
  }
}

// #region start
// WORKERS=1 (the default): this process serves, as in the earlier steps. More: this
// process becomes the primary, which only starts and watches the workers; node:cluster
// runs this same file again in each worker, where cluster.isPrimary is false, and each
// worker builds its own app, with its own memory, and serves on the shared port. What
// they all share lives in the database file.
if (config.workers > 1 && cluster.isPrimary) manageWorkers(config);
else serve(createApp({ ...config, db: await open(config.databasePath) }), config);
// #endregion start
