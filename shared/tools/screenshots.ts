// Takes the lessons' pictures of the state inspector (npm run screenshots): each step's
// real server in development, a visitor who has just added an item in headless Chromium,
// and the page, panel included, saved as steps/NN-name/images/state-inspector.png.
// Needs a Chromium (CHROMIUM_PATH, or one in the usual places) and, for step 06,
// redis-server. Every server it starts, redis-server included, is ended however it ends.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { executablePath, launch } from '@course/platform/testing/browser';
import { cleanUp, startProcess } from '@course/platform/testing/processes';
import { startRedis, stopAllRedis } from '@course/platform/testing/redis';

const root = resolve(import.meta.dirname, '../..');

// The pictures: which step, with which settings beyond development.
interface Shot {
  step: string;
  env?: Record<string, string>;
  redis?: boolean; // sessions in a redis-server started for the picture
}
const shots: Shot[] = [
  { step: '03-flash' },
  { step: '04-workers', env: { WORKERS: '2' } },
  { step: '05-databases' },
  { step: '06-session_stores', redis: true },
];

// The browser the tests use: CHROMIUM_PATH, or a Chromium or Chrome where it usually is.
if (!executablePath) {
  console.error('No Chromium found: install one, or set CHROMIUM_PATH');
  process.exit(1);
}

// Each server runs in a scratch folder laid out as the step's own (data/site.sqlite,
// notice.txt), so that the panel shows the paths a reader sees, and the step's own
// database is left alone.
const scratch = mkdtempSync(join(tmpdir(), 'screenshots-'));
// Removed however the run ends (Ctrl-C included: the test helpers then exit the process).
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

async function start({ step, env = {}, redis }: Shot) {
  const stepDir = join(root, 'steps', step);
  const folder = join(scratch, step);
  mkdirSync(join(folder, 'data'), { recursive: true });
  const files: Record<string, string> = {};
  if (existsSync(join(stepDir, 'notice.txt'))) {
    copyFileSync(join(stepDir, 'notice.txt'), join(folder, 'notice.txt'));
    files.NOTICE_FILE = join(folder, 'notice.txt');
  }
  if (existsSync(join(stepDir, 'data'))) {
    files.DATABASE_PATH = join(folder, 'data', 'site.sqlite');
  }
  if (redis) files.REDIS_URL = (await startRedis()).url;
  const server = startProcess({
    cwd: folder,
    args: [join(stepDir, 'src', 'server.ts')],
    env: { NODE_ENV: 'development', ...files, ...env },
    cleared: [
      'NODE_ENV',
      'SESSION_KEYS',
      'WORKERS',
      'NOTICE_FILE',
      'DATABASE_PATH',
      'REDIS_URL',
    ],
  });
  return server.url();
}

// The home page after adding an item: its message, its cart and the panel below them.
async function shoot(browser: Browser, shot: Shot, url: string) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 1300 } });
  try {
    const page = await context.newPage();
    await page.goto(url);
    await page.getByLabel('Item').fill('Earl Grey');
    await page.getByRole('button', { name: 'Add' }).click();
    // The redirect's page (the same URL): its message is there, then all of it has loaded.
    await page.getByRole('status').waitFor();
    await page.waitForLoadState('load');
    await page.locator('.state-inspector').waitFor();
    const folder = join(root, 'steps', shot.step, 'images');
    mkdirSync(folder, { recursive: true });
    const path = join(folder, 'state-inspector.png');
    await page.screenshot({ path, fullPage: true });
    console.log(`Wrote ${join('steps', shot.step, 'images', 'state-inspector.png')}`);
  } finally {
    await context.close();
  }
}

let browser: Browser | undefined;
try {
  // The servers boot side by side, and while the browser starts.
  const urls = Promise.all(shots.map(start));
  browser = await launch(); // the tests' own launch: headless, and within a time limit
  const ready = await urls;
  for (const [i, shot] of shots.entries()) await shoot(browser, shot, ready[i]);
} finally {
  await browser?.close();
  await cleanUp();
  await stopAllRedis();
  rmSync(scratch, { recursive: true, force: true });
}
