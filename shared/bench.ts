// How long each step's `npm test` takes, as a learner runs it: `npm run bench [runs]`.
// Times whole runs (start-up included), without and with the real-browser tests, and
// prints the median of a few runs. A benchmark, not a test: it never fails on speed.
import { existsSync } from 'node:fs';
import { npm, root, stepDirs } from './npm.ts';

const runs = Number(process.argv[2] ?? 3);
if (!Number.isInteger(runs) || runs < 1) {
  console.error('usage: npm run bench -- [runs]   runs: a whole number, 1 or more (default 3)');
  process.exit(2);
}

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
async function median(cwd: string, env: NodeJS.ProcessEnv) {
  const times: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    times.push(await time(cwd, env));
    process.stderr.write('.');
  }
  return `${(times.sort((a, b) => a - b)[Math.floor(runs / 2)] / 1000).toFixed(2)} s`;
}

console.log(`Median of ${runs} runs of each step's \`npm test\`, on Node ${process.version}`);
console.log(`${'step'.padEnd(18)} ${'without browser'.padEnd(17)} with browser`);
for (const step of await stepDirs()) {
  const cwd = `${root}/steps/${step}`;
  process.stderr.write(`${step} `);
  const fast = await median(cwd, { ...process.env, SKIP_BROWSER: '1', REQUIRE_BROWSER: '' });
  // Only the steps with browser tests get the second column.
  const hasBrowser = existsSync(`${cwd}/test/helpers/browser.ts`);
  const full = hasBrowser ? await median(cwd, { ...process.env, SKIP_BROWSER: '' }) : '-';
  process.stderr.write('\n');
  console.log(`${step.padEnd(18)} ${fast.padEnd(17)} ${full}`);
}
