import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { FORM_LIMIT_BYTES } from '../src/index.ts';
import { fixtureApp, VIEWS } from './fixtures/app.ts';

// The platform's middleware, through HTTP, in the fixture app as a step composes its own.
const app = (env = 'production') => request(fixtureApp({ env, print: () => {} }).callback());

describe('securityHeaders', () => {
  for (const [what, path] of [
    ['a page', '/'],
    ['the 404 page', '/no/such/page'],
    ['the 500 page', '/fail'],
    ['a static file', '/static/style.css'],
  ]) {
    it(`${what} carries the security headers`, async () => {
      const res = await app().get(path);
      expect(res.headers['content-security-policy']).to.equal(
        "default-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
      );
      expect(res.headers['x-content-type-options']).to.equal('nosniff');
      expect(res.headers['referrer-policy']).to.equal('same-origin');
    });
  }
});

describe('staticFiles', () => {
  it('serves a file under /static, cacheable for an hour', async () => {
    const res = await app()
      .get('/static/style.css')
      .expect(200)
      .expect('Content-Type', /text\/css/);
    expect(res.headers['cache-control']).to.equal('max-age=3600');
    expect(res.text).to.contain('font-family');
    await app().head('/static/style.css').expect(200);
  });

  it('in development, lets the browser keep it no longer than a reload', async () => {
    await app('development')
      .get('/static/style.css')
      .expect(200)
      .expect('Cache-Control', 'max-age=0');
  });

  it('serves nothing outside the prefix: the file at the top level is not a page', async () => {
    await app().get('/style.css').expect(404);
  });

  it('answers a missing file, a folder or a hidden file with the 404 page', async () => {
    for (const path of ['/static/nothing.css', '/static/', '/static/.hidden']) {
      const res = await app().get(path).expect(404);
      expect(res.text).to.contain('<h1>404 Not Found</h1>');
      expect(res.text).not.to.contain('ENOENT'); // nor the server's own path to the file
    }
  });

  it('answers 400 to a path that cannot be decoded', async () => {
    const res = await app().get('/static/%E0%A4%A').expect(400);
    expect(res.text).to.contain('<h1>400 Bad Request</h1>');
  });

  for (const path of [
    '/static/../views/page.eta',
    '/static/..%2fviews%2fpage.eta',
    '/static/%2e%2e/views/page.eta',
  ]) {
    it(`never serves a file outside its folder: ${path}`, async () => {
      const res = await app().get(path);
      expect(res.status).to.be.oneOf([403, 404]);
      expect(res.text).not.to.contain('it.title');
    });
  }

  it('answers 405 to a method other than GET and HEAD, allowing those', async () => {
    const res = await app().post('/static/style.css').expect(405);
    expect(res.headers.allow).to.equal('GET, HEAD');
  });
});

describe('createRenderer', () => {
  it('in development, shows an edited template on the next request; otherwise keeps the first', async () => {
    const views = await mkdtemp(join(tmpdir(), 'views-'));
    try {
      await cp(VIEWS, views, { recursive: true });
      const dev = request(fixtureApp({ env: 'development', views }).callback());
      const prod = request(fixtureApp({ env: 'production', views }).callback());
      for (const server of [dev, prod])
        expect((await server.get('/')).text).to.contain('<h1>Home</h1>');
      const page = join(views, 'page.eta');
      await writeFile(page, (await readFile(page, 'utf8')).replace('<h1>', '<h1>Edited '));
      expect((await dev.get('/')).text).to.contain('<h1>Edited Home</h1>');
      expect((await prod.get('/')).text).to.contain('<h1>Home</h1>');
    } finally {
      await rm(views, { recursive: true, force: true });
    }
  });

  it('escapes what it shows, and answers as HTML', async () => {
    const res = await app()
      .post('/form')
      .type('form')
      .send({ item: '<b>tea</b>' })
      .expect(200)
      .expect('Content-Type', /html/);
    expect(res.text).to.contain('Added &lt;b&gt;tea&lt;/b&gt;');
  });
});

describe('parseForm', () => {
  const form = (bytes: number) => `item=${'x'.repeat(bytes - 'item='.length)}`;

  it(`takes a form of exactly ${FORM_LIMIT_BYTES} bytes, and answers 413 to one byte more`, async () => {
    await app().post('/form').type('form').send(form(FORM_LIMIT_BYTES)).expect(200);
    const res = await app()
      .post('/form')
      .type('form')
      .send(form(FORM_LIMIT_BYTES + 1))
      .expect(413);
    expect(res.text).to.contain('413 Payload Too Large');
    expect(res.text).to.contain(`The form was larger than ${FORM_LIMIT_BYTES} bytes.`);
  });

  it('answers 400 for a body that cannot be decoded', async () => {
    const res = await app()
      .post('/form')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .set('Content-Encoding', 'gzip')
      .send('item=not really gzip')
      .expect(400);
    expect(res.text).to.contain('The form could not be read.');
  });

  it('answers 415 for a Content-Encoding it cannot undo', async () => {
    const res = await app()
      .post('/form')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .set('Content-Encoding', 'nonsense')
      .send('item=milk')
      .expect(415);
    expect(res.text).to.contain('The form could not be read.');
  });

  it('answers 415 for JSON, saying what to send', async () => {
    const res = await app().post('/form').send({ item: 'milk' }).expect(415);
    expect(res.text).to.contain('Send the form as application/x-www-form-urlencoded.');
  });
});
