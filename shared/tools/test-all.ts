// `npm test` at the root: the repository's checks, then every step's own `npm test`,
// then one closing line that counts them all: `N passed, N failed`. (The guides'
// transcripts, `npm run docs:transcripts`, are not among them: they run the commands every
// guide shows, some hundred processes, and CI runs them on their own, .ci/run.)
//
// They run side by side, as many at once as the machine has cores, yet each one's output
// comes out whole and in this order: the first unfinished one's as it comes, each later
// one's held back until those before it are done.
import { availableParallelism } from 'node:os';
import { compileCache } from '@course/platform/testing/compile-cache';
import { npm, root, stepDirs } from './npm.ts';

const checks = ['typecheck', 'lint', 'docs:check'];
const steps = await stepDirs();
const totals = { passed: 0, failed: 0, skipped: 0 };

type Chunk = { stream: NodeJS.WriteStream; text: string };
type Task = {
  title: string;
  args: string[];
  cwd: string;
  rank: number; // its place in the order they start: 0 first (see below)
  // What to print, and to count, once it has ended.
  report: (code: number, output: string) => string | undefined;
  held: Chunk[];
  output: string;
  done?: string; // the closing report, once ended
};

// Mocha's summary lines: "  20 passing (300ms)", "  1 failing", "  2 pending".
function count(output: string, word: string): number {
  const plain = output.replace(/\x1b\[[0-9;]*m/g, ''); // eslint-disable-line no-control-regex
  return Number(new RegExp(`^\\s*(\\d+) ${word}\\b`, 'm').exec(plain)?.[1] ?? 0);
}

// Counts one mocha run's tests into the totals, and says how it went.
function mochaReport(name: string) {
  return (code: number, output: string) => {
    const passed = count(output, 'passing');
    // A crash before mocha's summary still counts as a failure.
    const failed = Math.max(count(output, 'failing'), code === 0 ? 0 : 1);
    const skipped = count(output, 'pending');
    totals.passed += passed;
    totals.failed += failed;
    totals.skipped += skipped;
    return `${name}: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
  };
}

const tasks: Task[] = [
  ...checks.map((check) => ({
    rank: steps.length + 2,
    title: `npm run ${check}`,
    args: ['run', check, '--silent'],
    cwd: root,
    report: (code: number) => {
      totals[code === 0 ? 'passed' : 'failed'] += 1;
      return code === 0 ? undefined : `${check}: FAILED`;
    },
  })),
  // The platform every step stands on (shared/platform), tested once, run and counted
  // like a step. Its tests mostly wait (for time-outs, for processes): it starts first.
  {
    title: 'shared/platform: npm test',
    args: ['test', '--silent'],
    cwd: `${root}/shared/platform`,
    rank: 0,
    report: mochaReport('platform'),
  },
  ...steps.map((step, index) => ({
    title: `steps/${step}: npm test`,
    args: ['test', '--silent'],
    cwd: `${root}/steps/${step}`,
    rank: index === steps.length - 1 ? 1 : steps.length + 1 - index, // the later first
    report: mochaReport(step),
  })),
  // The repository's own tooling (shared/tools/test: the check before every npm script).
  {
    title: 'shared/tools: npm run test:tools',
    args: ['run', 'test:tools', '--silent'],
    cwd: root,
    rank: steps.length + 2,
    report: mochaReport('tools'),
  },
  // The capstone's tests fail on its starting point until the learner is done: here they
  // run against its reference solution (steps/capstone/solution).
  {
    title: 'steps/capstone: npm run test:solution',
    args: ['run', 'test:solution', '--silent'],
    cwd: `${root}/steps/capstone`,
    rank: steps.length + 1,
    report: mochaReport('capstone'),
  },
].map((task) => ({ ...task, held: [], output: '' }));

// The task whose output is being shown as it comes; those before it are all shown.
let shown = 0;
function show(index: number, chunk: Chunk) {
  if (index === shown) chunk.stream.write(chunk.text);
  else tasks[index].held.push(chunk);
}
// Moves on past every finished task, showing what each held back, then the next's start.
function advance() {
  while (shown < tasks.length && tasks[shown].done !== undefined) {
    if (tasks[shown].done) console.log(tasks[shown].done);
    shown += 1;
    if (shown < tasks.length) startShowing(tasks[shown]);
  }
}
function startShowing(task: Task) {
  console.log(`\n> ${task.title}`);
  for (const { stream, text } of task.held.splice(0)) stream.write(text);
}

// Runs npm, passing its output on and keeping a copy to read the counts from.
function run(index: number): Promise<void> {
  const task = tasks[index];
  return new Promise((resolve) => {
    // Node's compile cache for every process the task starts (npm, mocha, tsc, eslint,
    // the servers), unless NODE_COMPILE_CACHE names another: each reuses the code the
    // last one compiled, and starts sooner (one folder for them all, a Node version each).
    const env = {
      ...compileCache,
      ...process.env,
      ...(process.stdout.isTTY ? { FORCE_COLOR: '1' } : {}),
    };
    const child = npm(task.args, { cwd: task.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.setEncoding('utf8').on('data', (text: string) => {
      task.output += text;
      show(index, { stream: process.stdout, text });
    });
    child.stderr
      ?.setEncoding('utf8')
      .on('data', (text: string) => show(index, { stream: process.stderr, text }));
    const began = performance.now();
    child.on('close', (code) => {
      // Its report, with how long it took (the run's longest tasks set its length).
      const seconds = ((performance.now() - began) / 1000).toFixed(1);
      const report = task.report(code ?? 1, task.output);
      task.done = report ? `${report} (${seconds} s)` : '';
      advance();
      resolve();
    });
  });
}

// A few workers, each taking the next task until none is left. The longest start first,
// so that none is left running alone at the end: the platform, the last step (the most
// tests, and a real browser), the other steps, the later first, then the other checks (a
// few seconds each), in their order.
const order = tasks.map((_, index) => index);
order.sort((a, b) => tasks[a].rank - tasks[b].rank);
async function worker() {
  for (let index = order.shift(); index !== undefined; index = order.shift()) await run(index);
}
startShowing(tasks[0]);
// As many as the machine has cores; TEST_JOBS=1 runs one at a time.
const jobs = Math.min(Number(process.env.TEST_JOBS) || availableParallelism(), tasks.length);
await Promise.all(Array.from({ length: jobs }, worker));

const { passed, failed, skipped } = totals;
console.log(
  `\n(${checks.length} checks; the platform's, the tooling's and every step's tests)`,
);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
