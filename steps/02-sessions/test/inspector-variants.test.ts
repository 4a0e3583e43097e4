import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type Koa from 'koa';
import request from 'supertest';
import type * as globalCounter from '../pitfalls/global-counter.ts';
import * as hardcodedSecret from '../pitfalls/hardcoded-secret.ts';
import * as sessionHistory from '../pitfalls/session-history.ts';

// Each naive variant, seen in a browser as `npm run demo` serves it (no NODE_ENV, so Koa's
// env is 'development'): its state inspector names where the naive state really lives.
function inDevelopment(make: () => Koa) {
  const saved = process.env.NODE_ENV;
  process.env.NODE_ENV = 'development';
  try {
    return make().callback();
  } finally {
    if (saved === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = saved;
  }
}
// A browser's request, and the panel's rows as text: [what, value, where, who, lasts].
const inBrowser = (server: ReturnType<typeof inDevelopment>, path = '/') =>
  request(server).get(path).set('Accept', 'text/html');
const rows = (html: string) =>
  [...html.matchAll(/<tr><th scope="row">(.*?)<\/tr>/g)].map(([row]) =>
    [...row.matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map(([, cell]) =>
      cell.replace(/<\/?code>/g, ''),
    ),
  );
const row = (html: string, what: string) => rows(html).find(([name]) => name === what);

describe('step 02, the naive variants in the state inspector', () => {
  it('global-counter: the count is a variable in this process’s memory, for every visitor', async () => {
    const url = new URL('../pitfalls/global-counter.ts', import.meta.url);
    url.searchParams.set('process', randomBytes(4).toString('hex'));
    const { createApp } = (await import(url.href)) as typeof globalCounter;
    const server = inDevelopment(createApp);
    await request(server).get('/').expect('Count: 1'); // curl's plain text, as it was
    const res = await inBrowser(server).expect(200);
    expect(res.text).to.contain('<pre class="state-page">Count: 2</pre>');
    expect(row(res.text, 'counter')).to.deep.equal([
      'counter',
      '2',
      `a variable of this module, in this process&#39;s memory (pid ${process.pid})`,
      'every visitor',
      'until the process ends',
    ]);
  });

  it('hardcoded-secret: the signing key is in the source code, and its value is not shown', async () => {
    const res = await inBrowser(inDevelopment(hardcodedSecret.createApp)).expect(200);
    expect(row(res.text, 'the signing key (app.keys)')?.[2]).to.equal(
      'in the source code, pitfalls/hardcoded-secret.ts, for all who can read it',
    );
    expect(row(res.text, 'ctx.session.counter')?.[2]).to.match(/^the cookie tutorial\.session/);
    expect(res.text).to.not.contain('itsaseekreet');
  });

  it('session-history: the history is in the cookie, which grows with every visit', async () => {
    const keys = ['test key'];
    const visitor = request.agent(inDevelopment(() => sessionHistory.createApp({ keys })));
    await visitor.get('/').expect('Visits: 1'); // curl's plain text, as it was
    const res = await visitor.get('/').set('Accept', 'text/html').expect(200);
    const bytes = ([] as string[])
      .concat(res.headers['set-cookie'])
      .map((header) => header.split(';')[0])
      .filter((pair) => pair.startsWith('tutorial.session='))
      .reduce((sum, pair) => sum + pair.length, 0);
    expect(row(res.text, 'ctx.session.history')?.[2]).to.equal(
      `the cookie tutorial.session: ${bytes} of 4,096 bytes; signed (tutorial.session.sig), not encrypted`,
    );
    expect(row(res.text, 'the cookie tutorial.session')?.[1]).to.equal(
      `&quot;${bytes} bytes&quot;`,
    );
  });
});
