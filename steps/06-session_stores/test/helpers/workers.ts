// Requests as the tests of several workers need them: each on a new connection of its
// own. node:cluster hands out connections, not requests (round-robin on Linux and macOS),
// so a client that keeps its connection alive, as browsers do, stays with one worker.
import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';

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

// What the step's pages show: the count, and the form's CSRF token.
export const countIn = (answer: Answer) => Number(/Count: (\d+)/.exec(answer.text)?.[1]);
export const csrfIn = (answer: Answer) =>
  /name="_csrf" value="([^"]+)"/.exec(answer.text)?.[1] ?? '';

// Waits until `done()` is true, checking every 10 ms, for at most `ms`.
export async function waitUntil(done: () => boolean, what: string, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`waited ${ms} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
