import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { shownPath } from '@course/platform';
import { asBrowser, inDevelopment, panelRow } from '@course/platform/testing/panel';
import * as memoryStore from '../pitfalls/memory-store.ts';
import * as noticeAtStartup from '../pitfalls/notice-at-startup.ts';
import * as visitsCounter from '../pitfalls/visits-counter.ts';
import { demo, startServer } from './helpers/server.ts';
import type { Server } from './helpers/server.ts';

// Each naive variant, seen in a browser as `npm run demo` serves it (no NODE_ENV, so Koa's
// env is 'development'): its state inspector names where the naive state really lives.
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
    const res = await asBrowser(visitor).expect(200);
    const stored = /Sessions in this process&#39;s memory: (\d+)/.exec(res.text)?.[1];
    expect(Number(stored)).to.be.at.least(2);
    expect(panelRow(res.text, 'ctx.session (counter, items)')).to.deep.include({
      value: '{"counter":2}',
      where: `a Map in this process's memory (pid ${process.pid}): ${stored} sessions here`,
      who: 'this visitor, in this process only',
      lasts: 'until this process ends',
    });
  });

  it('notice-at-startup: the notice is kept in this process’s memory, as the file was at start-up', async () => {
    const noticeFile = join(folder, 'notice.txt');
    writeFileSync(noticeFile, 'Old notice');
    const server = inDevelopment(() => noticeAtStartup.createApp({ noticeFile }));
    writeFileSync(noticeFile, 'New notice');
    await request(server).get('/').expect('Notice: Old notice\n'); // curl's plain text
    const res = await asBrowser(server).expect(200);
    expect(panelRow(res.text, 'notice')).to.deep.include({
      value: '"Old notice"',
      where: `this process's memory (pid ${process.pid}): ${shownPath(noticeFile)} as it was at start-up`,
      who: 'every visitor this process serves',
      lasts: 'until this process restarts: an edit to the file is not seen',
    });
  });

  it('visits-counter: the count is a variable in this process’s memory', async () => {
    const server = inDevelopment(visitsCounter.createApp);
    await request(server).get('/').expect('Visits to this site: 1\n'); // curl's plain text
    const res = await asBrowser(server).expect(200);
    expect(panelRow(res.text, 'visits')).to.deep.include({
      value: '2',
      where: `a variable in this process's memory (pid ${process.pid})`,
    });
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
      const res = await asBrowser(await server.url()).expect(200);
      const pid = res.headers['x-served-by'];
      expect(panelRow(res.text, 'visits')?.where).to.match(
        new RegExp(`^a variable in this worker's memory \\(worker #\\d+, pid ${pid}\\)$`),
      );
    });
  });
});
