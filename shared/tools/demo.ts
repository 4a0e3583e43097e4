// Serves one of a step's naive variants, so that a pitfall can be shown in a browser:
//   cd steps/02-sessions && npm run demo -- global-counter
// and from step 04 on, in real worker processes:
//   cd steps/04-workers && WORKERS=2 npm run demo -- visits-counter
// Every module in a step's pitfalls/ folder exports createApp(), the naive app.
import cluster from 'node:cluster';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type Koa from 'koa';
import { baseSettings, manageWorkers, serve } from '@course/platform';

const name = process.argv[2];
if (!existsSync('pitfalls')) {
  console.error(
    'usage: inside a step folder, npm run demo -- <pitfall>   (cd steps/02-sessions first)',
  );
  process.exit(2);
}
const variantsIn = (folder: string) =>
  existsSync(folder)
    ? readdirSync(folder)
        .filter((file) => file.endsWith('.ts'))
        .map((file) => file.slice(0, -3))
        .sort()
    : [];
const available = variantsIn('pitfalls');
if (!name || !available.includes(name)) {
  // Each step's pitfalls/ holds the earlier steps' variants too: this step's own come
  // first, those its previous step (the folder numbered one less) does not have.
  const step = Number(/^(\d\d)-/.exec(basename(process.cwd()))?.[1]);
  const previous = readdirSync('..').find((folder) =>
    folder.startsWith(`${String(step - 1).padStart(2, '0')}-`),
  );
  const earlier = new Set(previous ? variantsIn(join('..', previous, 'pitfalls')) : []);
  const width = Math.max(...available.map((variant) => variant.length));
  const line = (variant: string) => `  ${variant.padEnd(width)}  ${describe(variant)}`;
  const list = [
    'In this step:',
    ...available.filter((variant) => !earlier.has(variant)).map(line),
    ...(available.some((variant) => earlier.has(variant)) ? ['From earlier steps:'] : []),
    ...available.filter((variant) => earlier.has(variant)).map(line),
  ].join('\n');
  // No name is a question, answered on stdout; a name that is not there is a mistake.
  const usage = 'usage: npm run demo -- <pitfall>, one of the naive variants in pitfalls/:';
  if (!name) {
    console.log(`${usage}\n${list}`);
    process.exit(0);
  }
  console.error(`There is no pitfall "${name}" in this step. ${usage}\n${list}`);
  process.exit(2);
}

// A variant's description: the first sentence of the comment that opens its file.
function describe(variant: string) {
  // (Not a compiler directive such as `// @ts-nocheck`, which a mutation-testing copy adds.)
  const source = readFileSync(`pitfalls/${variant}.ts`, 'utf8').replace(
    /^\/\/ ?@ts-.*\n/gm,
    '',
  );
  const opening = /^(?:\/\/.*\n)+/.exec(source);
  const text = (opening?.[0] ?? '')
    .replace(/^\/\/ ?/gm, '')
    .replace(/\s+/g, ' ')
    .replace(/^NAIVE, DO NOT COPY( \([^)]*\))?\. /, '');
  const sentence = /^.*?\.(?= |$)/.exec(text)?.[0] ?? text;
  return sentence.length > 80
    ? `${sentence.slice(0, 80).replace(/[\s,;:]+\S*$/, '')} …`
    : sentence;
}

type Factory = (options: { keys: string[]; db?: unknown }) => Koa;
const fromStep = (path: string) => import(pathToFileURL(resolve(path)).href);
const { createApp } = (await fromStep(`pitfalls/${name}.ts`)) as { createApp: Factory };
// The settings follow the step's own rules (its src/config.ts, or the platform's
// baseSettings in a step without one), so each means what it means for `npm start`:
// PORT, from step 04 on WORKERS, NOTICE_FILE and SHUTDOWN_TIMEOUT, and from step 05 on
// DATABASE_PATH. Not the keys: the naive app brings its own.
interface DemoConfig {
  port: number;
  shutdownTimeout: number;
  workers?: number;
  databasePath?: string;
}
type LoadConfig = (
  environment: Record<string, string | undefined>,
  warn: () => void,
) => DemoConfig;
const { loadConfig } = existsSync('src/config.ts')
  ? ((await fromStep('src/config.ts')) as { loadConfig: LoadConfig })
  : { loadConfig: baseSettings as LoadConfig };
const { PORT, WORKERS, NOTICE_FILE, SHUTDOWN_TIMEOUT, DATABASE_PATH } = process.env;
let config: DemoConfig;
try {
  config = loadConfig(
    { PORT, WORKERS, NOTICE_FILE, SHUTDOWN_TIMEOUT, DATABASE_PATH },
    () => {},
  );
} catch (error) {
  console.error(`Cannot start: ${(error as Error).message}`);
  process.exit(1);
}
// From step 05 on, each serving process opens the step's database, as src/server.ts does.
async function app() {
  let db: unknown;
  if (config.databasePath) {
    const { openDatabase } = (await fromStep('src/db.ts')) as {
      openDatabase: (path: string) => unknown;
    };
    try {
      db = openDatabase(config.databasePath);
    } catch (error) {
      console.error(`Cannot start: ${(error as Error).message}`);
      process.exit(1);
    }
  }
  return createApp({ ...config, db, keys: ['demo key, not a secret'] });
}

if (config.workers && config.workers > 1) {
  // From step 04 on, WORKERS=2 serves the naive app from real worker processes, started
  // and replaced by the platform's primary, and stopped as the step's server stops.
  if (cluster.isPrimary) {
    console.log(
      `The NAIVE variant pitfalls/${name}.ts, in ${config.workers} workers (do not copy it)`,
    );
    manageWorkers({ ...config, workers: config.workers });
  } else serve(await app(), config);
} else {
  const { port } = config;
  const server = (await app()).listen(port, () => {
    const { port } = server.address() as AddressInfo;
    console.log(
      `Serving the NAIVE variant pitfalls/${name}.ts on http://localhost:${port} (do not copy it)`,
    );
  });
  server.on('error', (error: NodeJS.ErrnoException) => {
    const busy = `port ${port} is in use; stop the other server or set PORT`;
    console.error(`Cannot start: ${error.code === 'EADDRINUSE' ? busy : error.message}`);
    process.exit(1);
  });
  // A demo has no requests worth finishing: Ctrl-C stops it at once, even with a browser's
  // connections open.
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => process.exit(0));
  // npm runs this through a shell that may not pass a process manager's SIGTERM on (see
  // the step's src/server.ts): once the process that started it has gone, it stops too.
  const starter = process.ppid;
  setInterval(() => {
    if (process.ppid !== starter) process.exit(0);
    try {
      process.kill(starter, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') process.exit(0);
    }
  }, 1000).unref();
}
