// How long each step's `npm test` takes, as a learner runs it: `npm run bench`.
// Times whole runs (start-up included), with and without the real-browser tests, and
// prints the median of a few runs. A benchmark, not a test: it never fails on speed.
import { npm, root, stepDirs } from './npm.ts';

const runs = Number(process.argv[2] ?? 3);

function time(cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const child = npm(['test', '--silent'], { cwd, env, stdio: 'ignore' });
    child.on('close', (code) =>
      code === 0 ? resolve(performance.now() - start) : reject(new Error(`npm test failed in ${cwd}`)),
    );
  });
}

async function median(cwd: string, env: NodeJS.ProcessEnv) {
  const times: number[] = [];
  for (let run = 0; run < runs; run += 1) times.push(await time(cwd, env));
  return (times.sort((a, b) => a - b)[Math.floor(runs / 2)] / 1000).toFixed(2);
}

console.log(`step               without browser   with browser (if installed)   median of ${runs}`);
for (const step of await stepDirs()) {
  const cwd = `${root}/steps/${step}`;
  const fast = await median(cwd, { ...process.env, SKIP_BROWSER: '1', REQUIRE_BROWSER: '' });
  const full = await median(cwd, { ...process.env, SKIP_BROWSER: '' });
  console.log(`${step.padEnd(18)} ${`${fast} s`.padEnd(17)} ${full} s`);
}
