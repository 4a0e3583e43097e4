// Mutation testing, per step: how many mutants of a step's src/ its own tests kill.
// `npm run mutate` runs every step in turn and prints a summary; `npm run mutate -- 03`
// runs the steps whose folder starts with 03; any further arguments go to Stryker
// (`npm run mutate -- 03 --concurrency 1`). A benchmark, not a test: not part of
// `npm test`, and a low score never fails it. The settings are in stryker.config.json.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileCache } from '@course/platform/testing/compile-cache';
import { root, stepDirs } from './npm.ts';

const stryker = `${root}/node_modules/@stryker-mutator/core/bin/stryker.js`;
const config = `${root}/shared/tools/stryker.config.json`;
const report = 'reports/mutation/mutation.json'; // where the config puts it, in the step
const limitMs = 15 * 60_000; // a whole step; each runs in seconds to a few minutes

// @stryker-mutator/mocha-runner 10.0.0 requires Mocha's cli internals without an
// extension, and Mocha 12 renamed them to .cjs, so the plugin fails to load (fixed by
// stryker-js PR #6205, not yet released). This resolve hook retries such a require with
// .cjs; it is loaded with --import into Stryker and into its workers. Drop it once fixed.
const hookSource = String.raw`
import { registerHooks } from 'node:module';
registerHooks({
  resolve(specifier, context, next) {
    try {
      return next(specifier, context);
    } catch (error) {
      if (!/[\\/]mocha[\\/]lib[\\/]cli[\\/][\w-]+$/.test(specifier)) throw error;
      return next(specifier + '.cjs', context);
    }
  },
});`;
const hook = `--import=data:text/javascript,${encodeURIComponent(hookSource)}`;

// The parts of Stryker's JSON report (mutation-testing-report-schema) read here.
interface Mutant {
  mutatorName: string;
  replacement?: string;
  status: string;
  location: { start: { line: number } };
}
interface Report {
  files: Record<string, { mutants: Mutant[] }>;
}

// Which folders: every step and the platform, or the steps whose folder name starts with
// the first argument, or `platform` (shared/platform, the code every step imports).
const [prefix = '', ...extra] = process.argv.slice(2);
const allSteps = (await stepDirs()).map((step) => `steps/${step}`);
const targets = [...allSteps, 'shared/platform'].filter((dir) =>
  dir.split('/')[1].startsWith(prefix),
);
if (targets.length === 0) {
  console.error(`No step folder starts with "${prefix}"; try 01, 02, ..., or platform`);
  process.exit(1);
}
// The platform's files that run only in the processes its tests start (listening,
// stopping, the workers' primary): as with a step's src/server.ts, Stryker could neither
// switch their mutants on there nor see coverage.
const platformMutate = ['src/**/*.ts', '!src/serve.ts', '!src/stop.ts', '!src/workers.ts'];

// A step's own patterns (stryker.config.json's `mutate`), less its unchanged files below.
const stepPatterns = (JSON.parse(readFileSync(config, 'utf8')) as { mutate: string[] }).mutate;

// A file's code, without the `// #region` lines that only mark what a lesson includes.
const withoutRegions = (file: string) =>
  readFileSync(file, 'utf8').replace(/^[ \t]*\/\/ #(end)?region\b.*\n/gm, '');
// A step's files that are the same (but for those lines) as in the step before it are left out:
// they hold an earlier lesson, proven by the tests of the step that teaches it (a step
// tests its own lesson). What a step changed or added is mutated in full.
const sameAsBefore = (dir: string) => {
  const index = allSteps.indexOf(dir);
  if (index < 1) return [];
  const previous = `${root}/${allSteps[index - 1]}`;
  return sourceFiles(`${root}/${dir}`).filter((file) => {
    const before = `${previous}/${file}`;
    return (
      existsSync(before) && withoutRegions(before) === withoutRegions(`${root}/${dir}/${file}`)
    );
  });
};
function sourceFiles(stepDir: string, sub = 'src'): string[] {
  return readdirSync(`${stepDir}/${sub}`, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(stepDir, `${sub}/${entry.name}`)
      : entry.name.endsWith('.ts')
        ? [`${sub}/${entry.name}`]
        : [],
  );
}

// Ctrl-C (or SIGTERM) stops the run in progress, and no other starts: Stryker gets the
// signal (from the terminal, or passed on here), and ends its test runs; once it has,
// its scratch folder goes (below) and this script ends.
let running: ChildProcess | undefined;
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    interrupted = true;
    process.exitCode = 130;
    running?.kill(signal);
  });
}

// One Stryker run in the step's folder (its paths in the config are relative to it),
// with a time limit. The browser tests are skipped: a browser per mutant would be slow.
// The test runs make their temporary files (test databases, notice files) in a scratch
// folder of this run's, deleted after it: a test run that Stryker ends on a time-out
// cannot delete its own. Node's compile cache stays where it was, shared.
// Resolves with the seconds it took, or null if it failed.
async function mutate(dir: string): Promise<number | null> {
  const start = performance.now();
  const workers = ['--testRunnerNodeArgs', hook, '--checkerNodeArgs', hook];
  const stepMutate = [...stepPatterns, ...sameAsBefore(dir).map((file) => `!${file}`)];
  const patterns = dir === 'shared/platform' ? platformMutate : stepMutate;
  const only = ['--mutate', patterns.join(',')];
  const args = [hook, stryker, 'run', config, ...workers, ...only, ...extra];
  const scratch = await mkdtemp(join(tmpdir(), 'mutate-'));
  const temporary = { TMPDIR: scratch, TMP: scratch, TEMP: scratch };
  const child = (running = spawn(process.execPath, args, {
    cwd: `${root}/${dir}`,
    env: {
      ...compileCache,
      ...process.env,
      ...temporary,
      SKIP_BROWSER: '1',
      REQUIRE_BROWSER: undefined,
    },
    stdio: 'inherit',
    timeout: limitMs,
  }));
  const [code] = (await once(child, 'close')) as [number | null];
  running = undefined;
  await rm(scratch, { recursive: true, force: true, maxRetries: 3 });
  return code === 0 ? (performance.now() - start) / 1000 : null;
}

// One line per mutant the tests let live: where it is, and what Stryker changed it to.
function survivors(files: Report['files']) {
  for (const [file, { mutants }] of Object.entries(files)) {
    for (const mutant of mutants.filter(({ status }) => status === 'Survived')) {
      const replacement = (mutant.replacement ?? '').replace(/\s+/g, ' ').slice(0, 70);
      console.log(
        `  ${file}:${mutant.location.start.line}  ${mutant.mutatorName}  → ${replacement}`,
      );
    }
  }
}

// Runs each step, then tallies its report. The score is Stryker's: killed and timed-out
// mutants out of all those that ran or had no test reaching them (not compile errors).
const rows: string[][] = [];
for (const dir of targets) {
  if (interrupted) break;
  const step = dir.split('/')[1];
  console.log(`\n> ${dir}: stryker run`);
  const reportPath = `${root}/${dir}/${report}`;
  await rm(reportPath, { force: true }); // never read last run's report by mistake
  const seconds = await mutate(dir);
  if (interrupted) break;
  if (seconds === null) {
    console.log(`${step}: Stryker FAILED`);
    rows.push([step, 'failed']);
    process.exitCode = 1;
    continue;
  }
  const { files } = JSON.parse(await readFile(reportPath, 'utf8')) as Report;
  const all = Object.values(files).flatMap(({ mutants }) => mutants);
  const count = (status: string) => all.filter((mutant) => mutant.status === status).length;
  const [killed, survived, timeout, noCoverage] = [
    'Killed',
    'Survived',
    'Timeout',
    'NoCoverage',
  ].map(count);
  const detected = killed + timeout;
  const score = (100 * detected) / (detected + survived + noCoverage) || 0;
  console.log(`\nSurviving mutants in ${dir}:`);
  survivors(files);
  const counts = [all.length, killed, survived, timeout, noCoverage].map(String);
  rows.push([step, ...counts, `${score.toFixed(1)} %`, `${seconds.toFixed(0)} s`]);
}

// The summary table, one row per step.
const header = [
  'step',
  'mutants',
  'killed',
  'survived',
  'timeout',
  'no coverage',
  'score',
  'time',
];
const widths = header.map((title, i) =>
  Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)),
);
const line = (row: string[]) =>
  row.map((cell, i) => cell.padEnd(i < row.length - 1 ? widths[i] : 0)).join('  ');
console.log(
  `\nMutation score of each folder's src/ by its own tests (reports: <folder>/reports/mutation/)`,
);
for (const row of [header, ...rows]) console.log(line(row));
