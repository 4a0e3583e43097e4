import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import request from 'supertest';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/app.ts';
import { testDatabase } from './helpers/database.ts';
import { TutorialViews } from '../src/views.ts';

// The step's own templates.
const VIEWS_DIR = fileURLToPath(new URL('../views', import.meta.url));

// Functional tests: real HTTP requests through the app's own server (supertest
// listens on a free port for each request).
const options = { env: 'test', keys: ['test key'] };
const app = () => request(createApp({ ...options, db: testDatabase() }).callback());

describe('GET /', () => {
  it('greets the Home View', async () => {
    const res = await app().get('/').expect(200).expect('Content-Type', /html/);
    expect(res.text).to.contain('<h1>Hi Home View</h1>');
    expect(res.text).to.contain('<title>Quick Tutorial: Home View</title>');
  });

  it('links to the Hello View', async () => {
    const res = await app().get('/').expect(200);
    expect(res.text).to.contain('<a href="/howdy">Hello View</a>');
  });
});

describe('GET /howdy', () => {
  it('greets the Hello View', async () => {
    const res = await app().get('/howdy').expect(200).expect('Content-Type', /html/);
    expect(res.text).to.contain('<h1>Hi Hello View</h1>');
  });

  it('links back to the Home View', async () => {
    const res = await app().get('/howdy').expect(200);
    expect(res.text).to.contain('<a href="/">Home View</a>');
  });
});

describe('an unknown path', () => {
  it('gets the friendly 404 page', async () => {
    const res = await app().get('/no/such/page').expect(404).expect('Content-Type', /html/);
    expect(res.text).to.contain('<h1>404 Not Found</h1>');
    expect(res.text).to.contain('<a href="/">Back to the Home View</a>');
  });
});

describe('a known path with the wrong method', () => {
  it('gets 405 with an Allow header', async () => {
    const res = await app().post('/howdy').expect(405);
    expect(res.headers.allow).to.match(/\bGET\b/);
    expect(res.text).to.contain('<h1>405 Method Not Allowed</h1>');
  });
});

describe('HEAD /', () => {
  it('answers like GET without a body', async () => {
    const res = await app().head('/').expect(200).expect('Content-Type', /html/);
    expect(res.text).to.equal(undefined);
  });
});

describe('the stylesheet', () => {
  it('is served under /static/ with no cookie, and linked from every page', async () => {
    const res = await app()
      .get('/static/style.css')
      .expect(200)
      .expect('Content-Type', /text\/css/);
    expect(res.headers['set-cookie']).to.equal(undefined); // served before the session
    expect((await app().get('/')).text).to.contain(
      '<link rel="stylesheet" href="/static/style.css">',
    );
  });
});

describe('the stylesheet, in production and in development', () => {
  it('may be kept by browsers for an hour, except in development: until the next reload', async () => {
    const dev = request(
      createApp({ ...options, env: 'development', db: testDatabase() }).callback(),
    );
    await app().get('/static/style.css').expect('Cache-Control', 'max-age=3600');
    await dev.get('/static/style.css').expect('Cache-Control', 'max-age=0');
  });
});

describe('the error log', () => {
  it('is the platform’s: a failure the app reports prints one line', () => {
    const printed: string[] = [];
    const { error } = console;
    console.error = (...args: unknown[]) => void printed.push(args.join(' '));
    try {
      createApp({ ...options, db: testDatabase() }).emit(
        'error',
        new Error('the disk is on fire'),
      );
    } finally {
      console.error = error;
    }
    expect(printed).to.have.length(1);
    expect(printed[0]).to.contain('the disk is on fire');
  });
});

describe('every response', () => {
  for (const [what, path] of [
    ['a page', '/'],
    ['the 404 page', '/no/such/page'],
  ]) {
    it(`${what} carries the security headers`, async () => {
      const res = await app().get(path);
      expect(res.headers['content-security-policy'])
        .to.contain("default-src 'self'")
        .and.contain("frame-ancestors 'none'")
        .and.contain("form-action 'self'");
      expect(res.headers['x-content-type-options']).to.equal('nosniff');
      expect(res.headers['referrer-policy']).to.equal('same-origin');
    });
  }
});

describe('what this app adds to every page', () => {
  it('says which process answered, in X-Served-By', async () => {
    await app().get('/').expect('X-Served-By', String(process.pid));
  });

  it('shows the site notice when it has a notice file, and none without', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'notice-'));
    try {
      const noticeFile = join(folder, 'notice.txt');
      await writeFile(noticeFile, 'Closed on Sunday');
      const db = testDatabase();
      const withNotice = request(createApp({ ...options, db, noticeFile }).callback());
      expect((await withNotice.get('/')).text).to.contain('Closed on Sunday');
      expect((await app().get('/')).text).not.to.contain('Closed on Sunday');
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('over HTTPS only: sends a plain-HTTP page load to the site’s own address, and marks the session cookie Secure', async () => {
    const secure = { secureCookies: true, trustProxy: true, publicUrl: 'https://shop.example' };
    const server = request(createApp({ ...options, ...secure, db: testDatabase() }).callback());
    await server.get('/howdy').expect(308).expect('Location', 'https://shop.example/howdy');
    const page = await server.get('/howdy').set('X-Forwarded-Proto', 'https').expect(200);
    expect(page.headers['set-cookie']).to.satisfy((cookies: string[]) =>
      cookies.every((cookie) => /; secure\b/i.test(cookie)),
    );
  });
});

describe('createApp', () => {
  // Which view object answered each request, and with which ctx.
  function recordViews() {
    const seen: Array<{ view: TutorialViews; ctx: unknown }> = [];
    const { hello } = TutorialViews.prototype;
    TutorialViews.prototype.hello = function (this: TutorialViews) {
      seen.push({ view: this, ctx: this.ctx });
      return hello.call(this);
    };
    return { seen, restore: () => (TutorialViews.prototype.hello = hello) };
  }

  it('makes a new view for every request, holding that request’s ctx', async () => {
    const { seen, restore } = recordViews();
    try {
      const server = app();
      await server.get('/howdy');
      await server.get('/howdy');
    } finally {
      restore();
    }
    expect(seen).to.have.length(2);
    expect(seen[0].view).to.not.equal(seen[1].view);
    expect(seen[0].view.ctx).to.equal(seen[0].ctx).and.not.equal(seen[1].ctx);
  });

  // #region reload
  it('in development, shows an edited template on the next request; otherwise keeps the first', async () => {
    const views = await mkdtemp(join(tmpdir(), 'views-'));
    try {
      await cp(VIEWS_DIR, views, { recursive: true });
      const dev = request(
        createApp({ ...options, db: testDatabase(), env: 'development', views }).callback(),
      );
      const prod = request(
        createApp({ ...options, db: testDatabase(), env: 'production', views }).callback(),
      );
      for (const server of [dev, prod])
        expect((await server.get('/howdy')).text).to.contain('Hi Hello View');
      const hello = join(views, 'hello.eta');
      await writeFile(hello, (await readFile(hello, 'utf8')).replace('Hi ', 'Howdy, '));
      expect((await dev.get('/howdy')).text).to.contain('<h1>Howdy, Hello View</h1>');
      expect((await prod.get('/howdy')).text).to.contain('<h1>Hi Hello View</h1>');
    } finally {
      await rm(views, { recursive: true, force: true });
    }
  });
  // #endregion reload
});
