// The state inspector's panel, read back from a page's HTML for the tests: its rows as
// [what, value, where, who, lasts], with the escaping undone, and its closing line; and the
// requests that get it (supertest's, as a browser makes them).
import type { RequestListener } from 'node:http';
import type Koa from 'koa';
import request from 'supertest';

const unescape = (html: string) =>
  html
    .replace(/<\/?code>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

export const hasPanel = (html: string) => html.includes('<details class="state-inspector"');
// The panel's own HTML, from its opening tag on ('' when the page has none).
export const panelHtml = (html: string) =>
  hasPanel(html) ? html.slice(html.indexOf('<details class="state-inspector"')) : '';

export function panelRows(html: string): string[][] {
  return [...html.matchAll(/<tr><th scope="row">(.*?)<\/tr>/g)].map(([row]) =>
    [...row.matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map(([, cell]) => unescape(cell)),
  );
}

// The panel's row for `what`, as a record; undefined when the page has none.
export function panelRow(html: string, what: string) {
  const row = panelRows(html).find(([name]) => name === what);
  return row && { what: row[0], value: row[1], where: row[2], who: row[3], lasts: row[4] };
}

export const servedByLine = (html: string) => /<p>Served by (.*?)\.<\/p>/.exec(html)?.[1];

// The value of cookie `name` as a response sets it (supertest's res: its Set-Cookie
// headers), or '' when it sets none.
export function setCookieValue(res: { headers: Record<string, unknown> }, name: string) {
  const headers = ([] as string[]).concat((res.headers['set-cookie'] as string[]) ?? []);
  const pair = headers
    .map((header) => header.split(';')[0])
    .find((p) => p.startsWith(`${name}=`));
  return pair?.slice(name.length + 1) ?? '';
}

// The bytes of that cookie (`name=value`), as the browser keeps it and sends it back: its
// signature is a cookie of its own, not counted.
export const setCookieBytes = (res: { headers: Record<string, unknown> }, name: string) =>
  Buffer.byteLength(`${name}=${setCookieValue(res, name)}`);

// A naive variant's app as `npm run demo` builds it by default: in Koa's env
// 'development', with the inspector on, whatever NODE_ENV the test run was given. Its
// callback, for supertest.
export function inDevelopment(make: () => Koa) {
  const saved = process.env.NODE_ENV;
  process.env.NODE_ENV = 'development';
  try {
    return make().callback();
  } finally {
    if (saved === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = saved;
  }
}

// A browser's request for `path` (Accept: text/html), to an app's callback, a server's
// address or through a supertest agent (a visitor with cookies): only a browser gets the
// panel, and a plain-text page wrapped in HTML; curl and supertest, which ask for no HTML,
// get the page as it was.
export function asBrowser(
  client: RequestListener | string | { get(path: string): request.Test },
  path = '/',
) {
  return (typeof client === 'object' ? client : request(client))
    .get(path)
    .set('Accept', 'text/html');
}

// The rows the panel shows, in the platform's words, for what every step reports the same
// way: the values of a session (inspectSession), all in one home, for this visitor; and the
// values of ctx.state, for this request only. For short values (the panel cuts a long one).
export const sessionRows = (values: Record<string, unknown>, where: string, lasts: string) =>
  Object.entries(values).map(([name, value]) => [
    `ctx.session.${name}`,
    JSON.stringify(value),
    where,
    'this visitor',
    lasts,
  ]);
export const stateRows = (values: Record<string, unknown>) =>
  Object.entries(values).map(([name, value]) => [
    `ctx.state.${name}`,
    JSON.stringify(value),
    'ctx.state, an object Koa makes for each request',
    'this request only',
    'until this response is sent',
  ]);

// Where inspectSession says a session kept in signed cookie `name` lives, with the size
// of that cookie as the response sets it.
export const inSignedCookie = (res: { headers: Record<string, unknown> }, name: string) =>
  `the cookie ${name}: ${setCookieBytes(res, name)} of 4,096 bytes; signed (${name}.sig), not encrypted`;
