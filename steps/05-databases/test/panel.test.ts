import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { shownPath } from '@course/platform';
import { hasPanel, panelRows } from '@course/platform/testing/panel';
import { createApp } from '../src/app.ts';
import { testDatabaseFile } from './helpers/database.ts';
import { addItem, csrfFrom } from './helpers/forms.ts';

// The state inspector's panel, through HTTP: in development, each page lists what this
// step keeps (the site notice, read from its file; the count, the cart and the CSRF token in
// the visitor's session cookie; the flash messages until shown; the visits and the popular
// list in their tables of the database file; ctx.state's values and the process that
// answered); elsewhere there is no panel.
const folder = mkdtempSync(join(tmpdir(), 'panel-'));
after(() => rmSync(folder, { recursive: true, force: true }));
const noticeFile = join(folder, 'notice.txt');
writeFileSync(noticeFile, 'Closed <i>Monday</i>\n');
let path = '';
const app = (env: string) => {
  const opened = testDatabaseFile();
  path = opened.path;
  return createApp({ env, keys: ['test key'], noticeFile, db: opened.db }).callback();
};
const cookieBytes = (res: request.Response) =>
  ([] as string[])
    .concat(res.headers['set-cookie'])
    .map((header) => header.split(';')[0])
    .filter((pair) => pair.startsWith('tutorial.session='))
    .reduce((sum, pair) => sum + pair.length, 0);

describe('the state inspector', () => {
  it('shows the flash message a page used up, and the session’s values in its cookie', async () => {
    const visitor = request.agent(app('development'));
    await addItem(visitor, '<b>tea</b>');
    const res = await visitor.get('/').set('Accept', 'text/html').expect(200);
    const token = csrfFrom(res);
    const where = `the cookie tutorial.session: ${cookieBytes(res)} of 4,096 bytes; signed (tutorial.session.sig), not encrypted`;
    const session = [where, 'this visitor', 'up to 24 h after its last change'];
    const notice = '"Closed <i>Monday</i>"';
    const table = (name: string) => [
      `the ${name} table of ${shownPath(path)}`,
      'every visitor, in every worker',
      'until the file is deleted',
    ];
    const state = ['ctx.state, an object Koa makes for each request', 'this request only'];
    expect(panelRows(res.text)).to.deep.equal([
      [
        'the site notice',
        notice,
        `the file ${shownPath(noticeFile)}, read again for this request`,
        'every visitor',
        'until the file changes',
      ],
      ['popular', '[{"item":"<b>tea</b>","adds":1}]', ...table('popular')],
      ['visits', '2', ...table('site_counts')],
      [
        'flash',
        '{"error":[],"info":["Added “<b>tea</b>” to your cart."]}',
        'the session',
        'this visitor',
        'until shown once',
      ],
      ['ctx.session.counter', '2', ...session],
      ['ctx.session.csrf', `"${token.slice(0, 8)}…"`, ...session],
      ['ctx.session.items', '["<b>tea</b>"]', ...session],
      ['ctx.state.servedBy', `${process.pid}`, ...state, 'until this response is sent'],
      ['ctx.state.notice', notice, ...state, 'until this response is sent'],
    ]);
    expect(res.text).to.contain(`<p>Served by process ${process.pid}, the only one.</p>`);
    const panel = res.text.slice(res.text.indexOf('<details class="state-inspector"'));
    expect(panel).to.not.contain(token); // the token: its first 8 characters only
    expect(res.text).to.not.contain('<b>tea</b>'); // escaped wherever it is shown
  });

  it('lists no flash row on a page with no message waiting', async () => {
    const res = await request(app('development'))
      .get('/')
      .set('Accept', 'text/html')
      .expect(200);
    expect(panelRows(res.text).map(([what]) => what)).to.deep.equal([
      'the site notice',
      'popular',
      'visits',
      'ctx.session.counter',
      'ctx.session.csrf',
      'ctx.state.servedBy',
      'ctx.state.notice',
    ]);
  });

  it('is not on the page outside development', async () => {
    for (const env of ['production', 'test']) {
      expect(
        hasPanel(
          (await request(app(env)).get('/').set('Accept', 'text/html').expect(200)).text,
        ),
      ).to.equal(false);
    }
  });
});
