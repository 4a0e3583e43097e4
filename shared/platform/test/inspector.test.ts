import { expect } from 'chai';
import Koa from 'koa';
import request from 'supertest';
import {
  cookieBytes,
  idPrefix,
  inspect,
  inspectSession,
  lastsFor,
  MAX_VALUE,
  renderPanel,
  shortValue,
  stateInspector,
} from '../src/index.ts';
import { fixtureApp } from './fixtures/app.ts';

const app = (env: string) => request(fixtureApp({ env, print: () => {} }).callback());
// What a browser sends: the panel is for browsers only.
const BROWSER = 'text/html,application/xhtml+xml,*/*;q=0.8';
const page = (env: string, path: string) => app(env).get(path).set('Accept', BROWSER);
// The panel's rows, as text: [what, value, where, who, lasts].
const rows = (html: string) =>
  [...html.matchAll(/<tr><th scope="row">(.*?)<\/tr>/g)].map(([row]) =>
    [...row.matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map(([, cell]) =>
      cell.replace(/<\/?code>/g, ''),
    ),
  );

describe('stateInspector, in development', () => {
  it('ends a page with the panel: what the request reported, then ctx.state, then the process', async () => {
    const res = await page('development', '/state').expect(200);
    const panelAt = res.text.indexOf('<details class="state-inspector" open>');
    expect(panelAt).to.be.greaterThan(res.text.indexOf('<h1>State</h1>'));
    const headings = [...res.text.matchAll(/<th scope="col">(.*?)<\/th>/g)].map(([, h]) => h);
    expect(headings).to.deep.equal(['What', 'Value', 'Where it lives', 'Shared by', 'Lasts']);
    expect(res.text.indexOf('</body>')).to.be.greaterThan(panelAt);
    expect(rows(res.text)).to.deep.equal([
      [
        'ctx.session.items',
        '[&quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;]',
        'the cookie &lt;tutorial.session&gt; &amp; its &#39;sig&#39;',
        'this visitor',
        'a day',
      ],
      [
        'ctx.state.note',
        '&quot;&lt;b&gt;for this request&lt;/b&gt;&quot;',
        'ctx.state, an object Koa makes for each request',
        'this request only',
        'until this response is sent',
      ],
    ]);
    expect(res.text).to.contain(`<p>Served by process ${process.pid}, the only one.</p>`);
    expect(res.text).to.not.contain('<script>');
  });

  it('lists nothing the request did not use: a page with no state shows an empty table', async () => {
    const res = await page('development', '/').expect(200);
    expect(res.text).to.contain('class="state-inspector"');
    expect(rows(res.text)).to.deep.equal([]);
  });

  it('serves its stylesheet to GET and HEAD only', async () => {
    await app('development').head('/static/state-inspector.css').expect(200);
    await app('development').post('/static/state-inspector.css').expect(405);
  });

  it('serves its own stylesheet (the Content-Security-Policy allows no inline style)', async () => {
    const home = await page('development', '/').expect(200);
    expect(home.text).to.contain('<link rel="stylesheet" href="/static/state-inspector.css">');
    const css = await app('development').get('/static/state-inspector.css').expect(200);
    expect(css.headers['content-type']).to.match(/^text\/css/);
    expect(css.text).to.contain('.state-inspector');
  });

  it('shows a plain-text page to a browser in a page of its own, with the panel', async () => {
    const res = await page('development', '/text').expect(200);
    expect(res.headers['content-type']).to.equal('text/html; charset=utf-8');
    expect(res.headers.vary).to.equal('Accept');
    expect(res.text).to.contain('<pre class="state-page">Count: 1 &lt;b&gt;\n</pre>');
    expect(res.text).to.contain('<title>/text</title>');
    expect(rows(res.text)).to.deep.equal([
      ['count', '1', 'a variable in this process &lt;pid&gt;', 'every visitor', 'a restart'],
    ]);
  });

  it('gives a page as it was to curl and the tests, which ask for no HTML', async () => {
    for (const accept of ['*/*', undefined]) {
      const asked = app('development').get('/state');
      const res = await (accept ? asked.set('Accept', accept) : asked).expect(200);
      expect(res.headers.vary).to.equal('Accept');
      expect(res.text).to.not.contain('state-inspector');
    }
  });

  it('gives the plain text as it was to curl and the tests, which ask for no HTML', async () => {
    for (const accept of ['*/*', undefined]) {
      const asked = app('development').get('/text');
      const res = await (accept ? asked.set('Accept', accept) : asked).expect(200);
      expect(res.headers['content-type']).to.equal('text/plain; charset=utf-8');
      expect(res.headers.vary).to.equal('Accept');
      expect(res.text).to.equal('Count: 1 <b>\n');
    }
  });

  it('lists each value of a session with its cookie, and a secret as a prefix only', async () => {
    const koa = new Koa();
    koa.use(stateInspector('development'));
    koa.use((ctx) => {
      const saved = { counter: 2, csrf: 'abcdefghijklmnop', flash: { info: ['Added'] } };
      const session = { toJSON: () => saved, maxAge: 86_400_000 };
      ctx.cookies.set('s', 'e30=', { signed: false });
      Object.assign(ctx, { session });
      inspectSession(ctx, { cookie: 's', secrets: ['csrf'] });
      ctx.body = '<!doctype html><body><h1>Page</h1></body>';
    });
    const res = await request(koa.callback()).get('/').set('Accept', BROWSER).expect(200);
    const home = [
      'the cookie s: 6 of 4,096 bytes; signed (s.sig), not encrypted',
      'this visitor',
    ];
    const lasts = 'up to 24 h after its last change';
    expect(rows(res.text)).to.deep.equal([
      ['ctx.session.counter', '2', ...home, lasts],
      ['ctx.session.csrf', '&quot;abcdefgh…&quot;', ...home, lasts],
      ['ctx.session.flash', '{&quot;info&quot;:[&quot;Added&quot;]}', ...home, lasts],
    ]);
  });

  it('says where a store keeps a session, and that its cookie holds only the id', async () => {
    const koa = new Koa();
    koa.use(stateInspector('development'));
    koa.use((ctx) => {
      const session = { toJSON: () => ({ counter: 1 }), maxAge: 'session', externalKey: 'k1' };
      ctx.cookies.set('s', 'k1', { signed: false });
      Object.assign(ctx, { session });
      inspectSession(ctx, { cookie: 's', store: { where: (id) => `the key <${id}>` } });
      ctx.body = '<!doctype html><body><h1>Page</h1></body>';
    });
    const res = await request(koa.callback()).get('/').set('Accept', BROWSER).expect(200);
    expect(rows(res.text)).to.deep.equal([
      [
        'ctx.session.counter',
        '1',
        'the key &lt;k1&gt;; its id in the cookie s (4 bytes)',
        'this visitor',
        'until the browser closes',
      ],
    ]);
  });

  it('puts the panel before the last </body>, or at the end of a page without one', async () => {
    const koa = new Koa();
    koa.use(stateInspector('development'));
    koa.use((ctx) => {
      ctx.type = 'html';
      ctx.body = ctx.path === '/two' ? '<p>a</body>b b</body>' : '<p>no body tag</p>';
    });
    const server = request(koa.callback());
    const two = (await server.get('/two').set('Accept', BROWSER)).text;
    expect(two.indexOf('<details')).to.be.greaterThan(two.indexOf('a</body>'));
    expect(two.endsWith('</details>\n</body>')).to.equal(true);
    const none = (await server.get('/none').set('Accept', BROWSER)).text;
    expect(none.startsWith('<p>no body tag</p>')).to.equal(true);
    expect(none.endsWith('</details>\n')).to.equal(true);
  });

  it('shows the cookie as the home of a session a store has not named yet, and secrets whole when not text', async () => {
    const koa = new Koa();
    koa.use(stateInspector('development'));
    koa.use((ctx) => {
      const saved = { note: 'a long note, not a secret', csrf: 12 };
      const session = { toJSON: () => saved, maxAge: 60_000 };
      Object.assign(ctx, { session });
      inspectSession(ctx, {
        cookie: 's',
        store: { where: () => 'a store' },
        secrets: ['csrf'],
      });
      ctx.body = '<!doctype html><body><h1>Page</h1></body>';
    });
    const res = await request(koa.callback()).get('/').set('Accept', BROWSER).expect(200);
    const home = [
      'the cookie s: 0 of 4,096 bytes; signed (s.sig), not encrypted',
      'this visitor',
    ];
    expect(rows(res.text)).to.deep.equal([
      [
        'ctx.session.note',
        '&quot;a long note, not a secret&quot;',
        ...home,
        'up to 1 min after its last change',
      ],
      ['ctx.session.csrf', '12', ...home, 'up to 1 min after its last change'],
    ]);
  });

  it('reports nothing for a request without a session', async () => {
    const koa = new Koa();
    koa.use(stateInspector('development'));
    koa.use((ctx) => {
      inspectSession(ctx, { cookie: 's' });
      ctx.body = '<!doctype html><body><h1>Page</h1></body>';
    });
    const res = await request(koa.callback()).get('/').set('Accept', BROWSER).expect(200);
    expect(rows(res.text)).to.deep.equal([]);
  });

  it('leaves a JSON answer or a script alone, even for a browser', async () => {
    const res = await page('development', '/data').expect(200);
    expect(res.body).to.deep.equal({ a: '</body>' });
    expect(res.headers.vary).to.equal(undefined);
    const script = await page('development', '/script').expect(200);
    expect(script.headers['content-type']).to.equal('text/javascript; charset=utf-8');
    expect(script.text).to.equal('let page = "</body>";');
  });

  it('leaves what is not an HTML page as it was', async () => {
    const res = await app('development').get('/data').expect(200);
    expect(res.body).to.deep.equal({ a: '</body>' });
    const css = await app('development').get('/static/style.css').expect(200);
    expect(css.text).to.not.contain('state-inspector');
  });
});

describe('stateInspector, outside development', () => {
  for (const env of ['production', 'test']) {
    it(`adds no panel and serves no stylesheet when the app's env is ${env}`, async () => {
      const res = await page(env, '/state').expect(200);
      expect(res.text).to.not.contain('state-inspector');
      await app(env).get('/static/state-inspector.css').expect(404);
    });
  }
});

describe('the state inspector’s helpers', () => {
  it('shortValue shows text in quotes, lists and records as JSON, and cuts what is long', () => {
    expect(shortValue(3)).to.equal('3');
    expect(shortValue('tea')).to.equal('"tea"');
    expect(shortValue(['tea', 'cake'])).to.equal('["tea","cake"]');
    expect(shortValue({ info: ['Added'] })).to.equal('{"info":["Added"]}');
    expect(shortValue(undefined)).to.equal('(none)');
    const long = shortValue('x'.repeat(200));
    expect(long).to.have.length(MAX_VALUE);
    expect(long.endsWith('…')).to.equal(true);
    expect(shortValue('x'.repeat(MAX_VALUE - 2))).to.equal(`"${'x'.repeat(MAX_VALUE - 2)}"`);
    expect(shortValue(() => 1)).to.equal('() => 1');
  });

  it('lastsFor says how long a session lasts after its last change, in the largest whole unit', () => {
    expect(lastsFor(86_400_000)).to.equal('up to 24 h after its last change');
    expect(lastsFor(15 * 60_000)).to.equal('up to 15 min after its last change');
    expect(lastsFor(1500)).to.equal('up to 1.5 s after its last change');
    expect(lastsFor('session')).to.equal('until the browser closes');
    expect(lastsFor(undefined)).to.equal('until the browser closes');
  });

  it('inspect keeps nothing, and fails not, for a ctx with no state (a unit test’s)', () => {
    expect(() =>
      inspect({} as never, { what: 'x', where: '', who: '', lasts: '' }),
    ).to.not.throw();
  });

  it('idPrefix shows the first 8 characters of a secret only', () => {
    expect(idPrefix('0123456789abcdef')).to.equal('01234567…');
  });

  it('renderPanel names a worker and how many there are', () => {
    const html = renderPanel([], 'process 7, worker #2 of the 2 workers');
    expect(html).to.contain('<p>Served by process 7, worker #2 of the 2 workers.</p>');
  });

  it('cookieBytes counts a cookie as the response sets it, else as sent', async () => {
    const koa = new Koa();
    koa.use((ctx) => {
      if (ctx.path === '/set') {
        ctx.cookies.set('other', 'long value', { signed: false });
        ctx.cookies.set('s.sig', 'xy', { signed: false });
        ctx.cookies.set('s', 'abcd', { signed: false });
      }
      ctx.body = { bytes: cookieBytes(ctx, 's') };
    });
    const server = request(koa.callback());
    expect((await server.get('/set')).body.bytes).to.equal('s=abcd'.length);
    const sent = await server.get('/').set('Cookie', 's.sig=xyz; s=abcdef; t=1');
    expect(sent.body.bytes).to.equal('s=abcdef'.length);
    expect((await server.get('/')).body.bytes).to.equal(0);
  });
});
