// `npm test` at the root: the repository's checks, then every step's own `npm test`,
// then one closing line that counts them all: `N passed, N failed`.
import { npm, root, stepDirs } from './npm.ts';

const checks = ['typecheck', 'lint', 'docs:check'];
const totals = { passed: 0, failed: 0, skipped: 0 };

// Runs npm, echoing its output as it comes and keeping a copy to read the counts from.
function run(args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, ...(process.stdout.isTTY ? { FORCE_COLOR: '1' } : {}) };
    const child = npm(args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

// Mocha's summary lines: "  20 passing (300ms)", "  1 failing", "  2 pending".
function count(output: string, word: string): number {
  const plain = output.replace(/\x1b\[[0-9;]*m/g, ''); // eslint-disable-line no-control-regex
  return Number(new RegExp(`^\\s*(\\d+) ${word}\\b`, 'm').exec(plain)?.[1] ?? 0);
}

for (const check of checks) {
  console.log(`\n> npm run ${check}`);
  const { code } = await run(['run', check, '--silent'], root);
  totals[code === 0 ? 'passed' : 'failed'] += 1;
  if (code !== 0) console.log(`${check}: FAILED`);
}

for (const step of await stepDirs()) {
  console.log(`\n> steps/${step}: npm test`);
  const { code, output } = await run(['test', '--silent'], `${root}/steps/${step}`);
  const passed = count(output, 'passing');
  // A crash before mocha's summary still counts as a failure.
  const failed = Math.max(count(output, 'failing'), code === 0 ? 0 : 1);
  const skipped = count(output, 'pending');
  totals.passed += passed;
  totals.failed += failed;
  totals.skipped += skipped;
  console.log(
    `${step}: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`,
  );
}

const { passed, failed, skipped } = totals;
console.log(`\n(${checks.length} checks and every step's tests)`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
