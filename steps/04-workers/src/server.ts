import cluster from 'node:cluster';
import { manageWorkers, orStop, serve } from '@course/platform';
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';

// The only file that starts the server, and the only one that reads the environment.
// Every setting is checked here, at start-up (src/config.ts): a typo stops the server in
// one line. Each worker reads them again; the primary has already warned about them.
const settings = orStop(() =>
  loadConfig(process.env, cluster.isWorker ? () => {} : console.warn),
);

// #region start
// Serves on PORT, and on Ctrl-C or SIGTERM finishes the requests in flight (the platform's
// serve). With WORKERS above 1, this process is the primary, which only starts and watches
// the workers (manageWorkers): node:cluster runs this file again in each worker, which
// builds its own app, with its own memory, and serves on the shared port.
if (settings.workers > 1 && cluster.isPrimary) manageWorkers(settings);
else serve(createApp(settings), settings);
// #endregion start
