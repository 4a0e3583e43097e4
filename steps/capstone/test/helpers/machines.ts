// The real server, as `npm start` runs it, in processes of its own: a "machine" is one
// server with its own DATABASE_PATH (its own disk), and with WORKERS=2 two workers. Its
// visitors send each request on a new connection, so the workers take turns.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProcess, stopServer } from '@course/platform/testing/processes';
import { codeFile, stepDir } from './under-test.ts';

export { cleanUp } from '@course/platform/testing/processes';

// The run's temporary folder, for the machines' database files; removed as the run ends.
let folder: string | undefined;
const testFolder = () => (folder ??= mkdtempSync(join(tmpdir(), 'capstone-test-')));
process.on('exit', () => folder && rmSync(folder, { recursive: true, force: true }));
let made = 0;
export const databasePath = () => join(testFolder(), `machine-${++made}.sqlite`);

// One signing key for every machine of the run: a cookie from one is good on the others.
const production = { NODE_ENV: 'production', SESSION_KEYS: randomBytes(32).toString('hex') };

// Starts the server under test (src/server.ts, or solution/server.ts) on a free port with
// `env` on top of the production settings, and none that the test run may have set.
export function startMachine(env: Record<string, string>) {
  const server = startProcess({
    cwd: stepDir,
    args: [codeFile('server.ts')],
    env: { ...production, ...env },
    cleared: ['WORKERS', 'NOTICE_FILE', 'REDIS_URL', 'DATABASE_PATH', 'TODAY'],
  });
  return { ...server, env };
}
export type Machine = ReturnType<typeof startMachine>;

// Stops a machine at once, as a crash or a pulled plug would, and starts it again with the
// same settings (the same database file, the same Redis): its address changes.
export async function restart(machine: Machine) {
  await stopServer(machine);
  return startMachine(machine.env);
}

export interface Answer {
  status: number;
  servedBy: number; // the pid in X-Served-By
  text: string;
  setCookies: string[];
}

// One request on a new connection, closed after the response (`agent: false`).
export function fresh(url: string, { method = 'GET', cookie = '', form = '' } = {}) {
  return new Promise<Answer>((resolve, reject) => {
    const headers: Record<string, string> = cookie ? { cookie } : {};
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const req = request(url, { method, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          servedBy: Number(res.headers['x-served-by']),
          text,
          setCookies: res.headers['set-cookie'] ?? [],
        }),
      );
    });
    req.on('error', reject).end(form);
  });
}

// A browser's cookie jar and the form's token: enough to add items from any machine whose
// sessions it shares.
export class Visitor {
  readonly cookies = new Map<string, string>();
  private token = '';

  async send(url: string, options: { method?: string; form?: string } = {}) {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const answer = await fresh(url, { ...options, cookie });
    for (const header of answer.setCookies) {
      const [name, value] = header.split(';')[0].split(/=(.*)/s, 2);
      this.cookies.set(name, value);
    }
    return answer;
  }

  // Adds `item` through the home page's form on the machine at `url`: 303 when it is added.
  async add(url: string, item: string) {
    if (!this.token) {
      const page = await this.send(url);
      this.token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    }
    const form = new URLSearchParams({ _csrf: this.token, item }).toString();
    const answer = await this.send(new URL('/items', url).href, { method: 'POST', form });
    if (answer.status !== 303) {
      throw new Error(`adding ${item}: ${answer.status} from ${url}\n${answer.text}`);
    }
  }
}

// The "Popular today" list a page shows, as 'tea (12)', most added first; and its day.
export const todayIn = (answer: { text: string }) =>
  [
    ...(/<ol id="popular-today">(.*?)<\/ol>/s.exec(answer.text)?.[1] ?? '').matchAll(
      /<li>(.*?) <span class="adds">\(added (\d+) times?\)<\/span><\/li>/g,
    ),
  ].map(([, item, adds]) => `${item} (${adds})`);
export const dayIn = (answer: { text: string }) =>
  /<h2>Popular today \((.*?)\)<\/h2>/.exec(answer.text)?.[1];

// The home page from each of a machine's two workers: pages until two pids have answered
// (at most 20: round-robin usually takes two), the last page of each, by pid.
export async function pageFromEachWorker(url: string) {
  const pages = new Map<number, Answer>();
  for (let tries = 0; pages.size < 2; tries++) {
    if (tries === 20) throw new Error(`20 pages from ${url}, all from one worker`);
    const page = await fresh(url);
    if (page.status !== 200) throw new Error(`GET ${url}: ${page.status}\n${page.text}`);
    pages.set(page.servedBy, page);
  }
  return [...pages.values()];
}

// The adds of a test: `count` of each item, dealt in turn to `visitors` visitors.
export function dealt(counts: Record<string, number>, visitors: number) {
  const adds = Object.entries(counts).flatMap(([item, n]) => Array<string>(n).fill(item));
  return Array.from({ length: visitors }, (_, v) => adds.filter((_, n) => n % visitors === v));
}
