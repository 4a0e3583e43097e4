import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type Koa from 'koa';
import request from 'supertest';
import { shownPath } from '@course/platform';
import * as memoryStore from '../pitfalls/memory-store.ts';
import * as noticeAtStartup from '../pitfalls/notice-at-startup.ts';
import * as visitsCounter from '../pitfalls/visits-counter.ts';
import { demo, startServer } from './helpers/server.ts';
import type { Server } from './helpers/server.ts';

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
// The panel's rows as text: [what, value, where, who, lasts].
const rows = (html: string) =>
  [...html.matchAll(/<tr><th scope="row">(.*?)<\/tr>/g)].map(([row]) =>
    [...row.matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map(([, cell]) =>
      cell.replace(/<\/?code>/g, ''),
    ),
  );
const row = (html: string, what: string) => rows(html).find(([name]) => name === what);

describe('step 04, the naive variants in the state inspector', () => {
  let folder: string;
  before(() => (folder = mkdtempSync(join(tmpdir(), 'inspector-04-'))));
  after(() => rmSync(folder, { recursive: true, force: true }));

  it('memory-store: the sessions are in this process’s memory, with its pid and their number', async () => {
    const server = inDevelopment(() => memoryStore.createApp({ keys: ['test key'] }));
    const visitor = request.agent(server);
    const plain = await visitor.get('/').expect(200); // curl's plain text, as it was
    expect(plain.text).to.match(
      /^Count: 1\nCart: \(empty\)\nSessions in this process's memory: \d+\n$/,
    );
    await request(server).get('/'); // another visitor: one more session here
    const res = await visitor.get('/').set('Accept', 'text/html').expect(200);
    const stored = /Sessions in this process&#39;s memory: (\d+)/.exec(res.text)?.[1];
    expect(Number(stored)).to.be.at.least(2);
    expect(row(res.text, 'ctx.session (counter, items)')?.slice(1)).to.deep.equal([
      '{&quot;counter&quot;:2}',
      `a Map in this process&#39;s memory (pid ${process.pid}): ${stored} sessions here`,
      'this visitor, in this process only',
      'until this process ends',
    ]);
  });

  it('notice-at-startup: the notice is kept in this process’s memory, as the file was at start-up', async () => {
    const noticeFile = join(folder, 'notice.txt');
    writeFileSync(noticeFile, 'Old notice');
    const server = inDevelopment(() => noticeAtStartup.createApp({ noticeFile }));
    writeFileSync(noticeFile, 'New notice');
    await request(server).get('/').expect('Notice: Old notice\n'); // curl's plain text
    const res = await request(server).get('/').set('Accept', 'text/html').expect(200);
    expect(row(res.text, 'notice')?.slice(1)).to.deep.equal([
      '&quot;Old notice&quot;',
      `this process&#39;s memory (pid ${process.pid}): ${shownPath(noticeFile)} as it was at start-up`,
      'every visitor this process serves',
      'until this process restarts: an edit to the file is not seen',
    ]);
  });

  it('visits-counter: the count is a variable in this process’s memory', async () => {
    const server = inDevelopment(visitsCounter.createApp);
    await request(server).get('/').expect('Visits to this site: 1\n'); // curl's plain text
    const res = await request(server).get('/').set('Accept', 'text/html').expect(200);
    expect(row(res.text, 'visits')?.slice(1, 3)).to.deep.equal([
      '2',
      `a variable in this process&#39;s memory (pid ${process.pid})`,
    ]);
  });

  describe('visits-counter with WORKERS=2, as `npm run demo` serves it', function () {
    this.timeout(20_000); // real processes: on a busy machine, a start takes a while
    let server: Server;
    before(() => (server = startServer({ WORKERS: '2' }, demo('visits-counter'))));
    after(async () => {
      server?.child.kill(); // SIGTERM: the primary stops its workers, then itself
      await server?.exited;
    });

    it('the count is a variable in the memory of the worker that served the page', async () => {
      const res = await request(await server.url())
        .get('/')
        .set('Accept', 'text/html')
        .expect(200);
      const pid = res.headers['x-served-by'];
      expect(row(res.text, 'visits')?.[2]).to.match(
        new RegExp(`^a variable in this worker&#39;s memory \\(worker #\\d+, pid ${pid}\\)$`),
      );
    });
  });
});
