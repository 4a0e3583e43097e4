// Requests as the tests of several workers need them: each on a new connection of its
// own. node:cluster hands out connections, not requests (round-robin on Linux and macOS),
// so a client that keeps its connection alive, as browsers do, stays with one worker.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './server.ts';
import type { Server } from './server.ts';

// The step's own servers, each started once for all the test files that read from it
// (every process costs a start-up; the root `before` hooks start them as mocha begins).
// With WORKERS=2, in production, with SESSION_KEYS, so that each worker must read the
// key itself; and a notice file of its own, which reads "Old notice" until a test
// changes it.
export const SESSION_KEY = randomBytes(32).toString('base64url');
let twoWorkers: { server: Server; noticeFile: string } | undefined;
export function stepWithTwoWorkers() {
  if (!twoWorkers) {
    const folder = mkdtempSync(join(tmpdir(), 'notice-'));
    process.on('exit', () => rmSync(folder, { recursive: true, force: true }));
    const noticeFile = join(folder, 'notice.txt');
    writeFileSync(noticeFile, 'Old notice');
    const env = { NODE_ENV: 'production', SESSION_KEYS: SESSION_KEY };
    twoWorkers = {
      server: startServer({ ...env, WORKERS: '2', NOTICE_FILE: noticeFile }),
      noticeFile,
    };
  }
  return twoWorkers;
}
// And in one process (WORKERS unset), in development, as `npm start` runs it.
let oneProcess: Server | undefined;
export const stepInOneProcess = () => (oneProcess ??= startServer({ NODE_ENV: 'development' }));

export interface Answer {
  status: number;
  servedBy: number; // the pid in X-Served-By
  text: string;
  setCookies: string[];
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

// What the step's pages and the naive apps' plain-text pages show.
export const countIn = (answer: Answer) => Number(/Count: (\d+)/.exec(answer.text)?.[1]);
export const visitsIn = (answer: { text: string }) =>
  Number(/Visits to this site: (\d+)/.exec(answer.text)?.[1]);
export const csrfIn = (answer: Answer) =>
  /name="_csrf" value="([^"]+)"/.exec(answer.text)?.[1] ?? '';
export const noticeIn = (answer: Answer) =>
  /<p class="notice" role="note">(.*?)<\/p>/.exec(answer.text)?.[1] ??
  /^Notice: (.*)$/m.exec(answer.text)?.[1];

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
