// Requests as the tests of several workers need them: each on a new connection of its
// own. node:cluster hands out connections, not requests (round-robin on Linux and macOS),
// so a client that keeps its connection alive, as browsers do, stays with one worker.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { sqliteProbe, testFolder } from '@course/platform/testing/sqlite';
import { startServer } from './server.ts';
import type { Server } from './server.ts';

// The step's own server with WORKERS=2, in production with SESSION_KEYS (each worker must
// read them), a notice file and a database of its own, started once for all the test
// files that use it (each process costs a start-up). Its notice file reads "Old notice"
// until a test changes it. Its database is shared by those files' tests, one after
// another: a test may count on the difference it makes to the numbers, never on the
// numbers themselves. It runs with the platform's probe of node:sqlite, which says on
// stderr which of its processes load it.
export const SESSION_KEY = randomBytes(32).toString('base64url');
let twoWorkers: { server: Server; noticeFile: string } | undefined;
export function stepWithTwoWorkers() {
  if (!twoWorkers) {
    const noticeFile = join(testFolder(), 'notice.txt');
    writeFileSync(noticeFile, 'Old notice');
    const env = {
      WORKERS: '2',
      NODE_ENV: 'production',
      SESSION_KEYS: SESSION_KEY,
      NOTICE_FILE: noticeFile,
    };
    twoWorkers = {
      server: startServer(env, ['--import', sqliteProbe, 'src/server.ts']),
      noticeFile,
    };
  }
  return twoWorkers;
}

export interface Answer {
  status: number;
  servedBy: number; // the pid in X-Served-By
  text: string;
  setCookies: string[];
  headers: IncomingHttpHeaders;
}

// One request on a new connection, closed after the response (`agent: false`).
export function fresh(
  url: string,
  { method = 'GET', cookie = '', form = '' } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
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
          headers: res.headers,
        }),
      );
    });
    req.on('error', reject).end(form);
  });
}

// A browser's cookie jar, minus everything a browser does besides keeping cookies.
export class Visitor {
  readonly url: string;
  readonly cookies = new Map<string, string>();

  constructor(url: string) {
    this.url = url;
  }

  get cookie() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  async send(path: string, options: { method?: string; form?: string } = {}) {
    const answer = await fresh(new URL(path, this.url).href, {
      ...options,
      cookie: this.cookie,
    });
    for (const header of answer.setCookies) {
      const [name, value] = header.split(';')[0].split(/=(.*)/s, 2);
      this.cookies.set(name, value);
    }
    return answer;
  }
}

// What the step's pages show: the site's visits, its popular list, the form's token.
export const visitsIn = (answer: { text: string }) =>
  Number(/Visits to this site: (\d+)/.exec(answer.text)?.[1]);
// The step's "Popular with everyone" list: each item and how often it was added.
export const popularIn = (answer: { text: string }) =>
  [
    ...(/<ol id="popular">(.*?)<\/ol>/s.exec(answer.text)?.[1] ?? '').matchAll(
      /<li>(.*?) <span class="adds">\(added (\d+) times?\)<\/span><\/li>/g,
    ),
  ].map(([, item, adds]) => `${item} (${adds})`);
export const csrfIn = (answer: Answer) =>
  /name="_csrf" value="([^"]+)"/.exec(answer.text)?.[1] ?? '';

// Sends `send()` until answers have come from `count` different workers (at most 20
// tries: with round-robin, two usually do for two workers).
export async function fromEveryWorker(send: () => Promise<Answer>, count = 2) {
  const answers: Answer[] = [];
  while (new Set(answers.map((answer) => answer.servedBy)).size < count) {
    if (answers.length === 20) throw new Error(`20 answers, not from ${count} workers`);
    answers.push(await send());
  }
  return answers;
}

// The workers that served `answers`.
export const pidsOf = (answers: Answer[]) => new Set(answers.map((answer) => answer.servedBy));

// `count` requests, one after another.
export async function inTurn(count: number, send: () => Promise<Answer>) {
  const answers: Answer[] = [];
  for (let i = 0; i < count; i++) answers.push(await send());
  return answers;
}

// `count` requests made by `send()`, at most `inFlight` of them sent and not yet answered
// at any moment; the answers, in the order they came.
export async function inParallel(
  count: number,
  inFlight: number,
  send: () => Promise<Answer>,
): Promise<Answer[]> {
  const answers: Answer[] = [];
  let sent = 0;
  const client = async () => {
    while (sent < count) {
      sent += 1;
      answers.push(await send());
    }
  };
  await Promise.all(Array.from({ length: Math.min(count, inFlight) }, client));
  return answers;
}

// Waits until `done()` is true, checking every 10 ms, for at most `ms`.
export async function waitUntil(done: () => boolean, what: string, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`waited ${ms} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

// Kills one worker, as a crash would, and waits until its primary has started another.
export async function killWorker(server: Server, pid: number) {
  const before = server.workers().length;
  process.kill(pid, 'SIGKILL');
  await waitUntil(() => server.workers().length > before, 'a replacement worker');
  return server.workers().at(-1) as number;
}
