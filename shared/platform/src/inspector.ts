import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import type { Context, Middleware } from 'koa';

// The state inspector: in development, every page ends with a panel that lists the state
// the request used, where each piece lives, who shares it and how long it lasts. A step
// reports its own state with inspect(), next to the state; this module only collects the
// reports and shows them, with what it can see itself: ctx.state and the serving process.

// One piece of state, as the panel lists it.
export interface StateReport {
  what: string; // what it is, as the code names it: 'ctx.session.counter', 'visits'
  value?: unknown; // shown short and escaped; never a secret (see idPrefix)
  where: string; // where it lives, concretely: 'the cookie tutorial.session (84 bytes)'
  who: string; // who shares it: 'this visitor', 'every visitor', 'this process only'
  lasts: string; // how long: 'a day after its last change', 'until the server restarts'
}

// The reports of one request, under a key no template or step uses.
const REPORTS = Symbol('state reports');
type WithReports = { [REPORTS]?: StateReport[] };

// A step's report, kept for the panel; nothing at all when the inspector is off.
export function inspect(ctx: Context, report: StateReport): void {
  // (A unit test's fake ctx may have no state at all.)
  (ctx.state as WithReports | undefined)?.[REPORTS]?.push(report);
}

// What koa-session's ctx.session offers that the inspector reads.
interface KoaSessionLike {
  toJSON(): object;
  readonly maxAge?: number | 'session';
  readonly externalKey?: string;
}

// How long a session lasts, in words: 86400000 → 'up to 24 h after its last change'.
export function lastsFor(ms: number | 'session' | undefined): string {
  if (typeof ms !== 'number') return 'until the browser closes';
  if (ms % 3_600_000 === 0) return `up to ${ms / 3_600_000} h after its last change`;
  if (ms % 60_000 === 0) return `up to ${ms / 60_000} min after its last change`;
  return `up to ${ms / 1000} s after its last change`;
}

// Each value in the session (ctx.session, as saved), reported with where the session lives:
// in its cookie, or, with a `store`, where the store says (the cookie holds only the id).
// The keys in `secrets` (a token) are shown as a prefix.
export function inspectSession(
  ctx: Context,
  { cookie, store, secrets = [] }: SessionHome,
): void {
  const session = (ctx as { session?: KoaSessionLike | null }).session;
  if (!session || !(ctx.state as WithReports)[REPORTS]) return; // nothing to do when it is off
  const bytes = cookieBytes(ctx, cookie);
  const where =
    store && session.externalKey
      ? `${store.where(session.externalKey)}; its id in the cookie ${cookie} (${bytes} bytes)`
      : `the cookie ${cookie}: ${bytes} of 4,096 bytes; signed (${cookie}.sig), not encrypted`;
  const home = { where, who: 'this visitor', lasts: lastsFor(session.maxAge) };
  for (const [key, value] of Object.entries(session.toJSON())) {
    const shown = secrets.includes(key) && typeof value === 'string' ? idPrefix(value) : value;
    inspect(ctx, { what: `ctx.session.${key}`, value: shown, ...home });
  }
}
export interface SessionHome {
  cookie: string; // the session cookie's name
  store?: { where(id: string): string }; // a server-side store, which says where an id is
  secrets?: string[];
}

// A session id or a token is a secret: the panel shows its first characters only.
export const idPrefix = (id: string) => `${id.slice(0, 8)}…`;

// What a cookie costs the browser, which keeps at most 4,096 bytes in each: the bytes of
// `name=value` as this response sets it, or else as the request brought it.
export function cookieBytes(ctx: Context, name: string): number {
  const setNow = ([] as string[])
    .concat(ctx.response.get('Set-Cookie') || [])
    .map((header) => header.split(';')[0])
    .find((pair) => pair.startsWith(`${name}=`));
  const sent = ctx.cookies.get(name);
  const pair = setNow ?? (sent === undefined ? '' : `${name}=${sent}`);
  return Buffer.byteLength(pair);
}

// Every value in ctx.state: made for this request, gone when its response is sent.
const stateReports = (ctx: Context): StateReport[] =>
  Object.entries(ctx.state).map(([key, value]) => ({
    what: `ctx.state.${key}`,
    value,
    where: 'ctx.state, an object Koa makes for each request',
    who: 'this request only',
    lasts: 'until this response is sent',
  }));

// The process that answered: with workers, one of several, each with memory of its own.
function servedBy(): string {
  if (!cluster.isWorker) return `process ${process.pid}, the only one`;
  const workers = process.env.WORKERS ? ` of the ${process.env.WORKERS} workers` : '';
  return `process ${process.pid}, worker #${cluster.worker?.id}${workers}`;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const escape = (text: string) => text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);

// A value in one short line: text in quotes, lists and records as JSON, cut at MAX_VALUE.
export const MAX_VALUE = 80;
export function shortValue(value: unknown): string {
  if (value === undefined) return '(none)';
  const text = JSON.stringify(value) ?? String(value); // (a function has no JSON)
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

// The panel: a <details> element (open; a click on its summary folds it), styled by its own
// stylesheet, since the site's Content-Security-Policy allows no inline style.
export function renderPanel(reports: StateReport[], answered = servedBy()): string {
  const rows = reports.map(
    (r) =>
      `<tr><th scope="row"><code>${escape(r.what)}</code></th>` +
      `<td><code>${escape(shortValue(r.value))}</code></td><td>${escape(r.where)}</td>` +
      `<td>${escape(r.who)}</td><td>${escape(r.lasts)}</td></tr>`,
  );
  return `
<link rel="stylesheet" href="${STYLESHEET}">
<details class="state-inspector" open>
<summary>State inspector: where this page’s data lives <small>(development only)</small></summary>
<table>
<thead><tr><th scope="col">What</th><th scope="col">Value</th><th scope="col">Where it lives</th><th scope="col">Shared by</th><th scope="col">Lasts</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
<p>Served by ${escape(answered)}.</p>
</details>
`;
}

const STYLESHEET = '/static/state-inspector.css';
const CSS_FILE = new URL('../static/state-inspector.css', import.meta.url);

// A browser names text/html in its Accept header; curl sends */* and supertest nothing.
const browserAsks = (ctx: Context) => /\btext\/html\b/.test(ctx.get('Accept'));

// Only in development (`env`, the app's), and only for a browser: elsewhere, it does
// nothing. Mount it outside the session's middleware, so that the session has been saved
// (its cookie set) by the time the panel is made, and before the static files, for its
// stylesheet.
export function stateInspector(env: string): Middleware {
  if (env !== 'development') return (_ctx, next) => next();
  const css = readFileSync(CSS_FILE, 'utf8');
  return async function stateInspector(ctx, next) {
    if (ctx.path === STYLESHEET && (ctx.method === 'GET' || ctx.method === 'HEAD')) {
      ctx.type = 'css';
      ctx.body = css;
      return;
    }
    const own: StateReport[] = [];
    (ctx.state as WithReports)[REPORTS] = own;
    await next();
    // For a browser only: curl and the tests, which ask for no HTML, get the page as it
    // was (a terminal demonstration's output stays what the lesson shows).
    if (typeof ctx.body !== 'string' || !ctx.response.is('html', 'text/plain')) return;
    ctx.vary('Accept');
    if (!browserAsks(ctx)) return;
    const panel = renderPanel([...own, ...stateReports(ctx)]);
    if (ctx.response.is('html')) {
      ctx.body = ctx.body.replace(/<\/body>(?![\s\S]*<\/body>)|$/, `${panel}$&`);
    } else {
      // A naive variant's plain-text page, in a page of its own with the panel.
      const page = `<pre class="state-page">${escape(ctx.body)}</pre>${panel}`;
      ctx.type = 'html';
      ctx.body = `<!doctype html>\n<html lang="en">\n<title>${escape(ctx.path)}</title>\n<body>${page}</body>\n</html>\n`;
    }
  };
}
