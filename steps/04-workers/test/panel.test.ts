import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { shownPath } from '@course/platform';
import { asBrowser, hasPanel, panelHtml, panelRows } from '@course/platform/testing/panel';
import { inSignedCookie, sessionRows, stateRows } from '@course/platform/testing/panel';
import { createApp } from '../src/app.ts';
import { addItem, csrfFrom } from './helpers/forms.ts';

// The state inspector's panel, through HTTP: in development, each page lists what this
// step keeps (the site notice, read from its file; the count, the cart and the CSRF token in
// the visitor's session cookie; the flash messages until shown; ctx.state's values and the
// process that answered); elsewhere there is no panel.
const folder = mkdtempSync(join(tmpdir(), 'panel-'));
after(() => rmSync(folder, { recursive: true, force: true }));
const noticeFile = join(folder, 'notice.txt');
writeFileSync(noticeFile, 'Closed <i>Monday</i>\n');
const app = (env: string) => createApp({ env, keys: ['test key'], noticeFile }).callback();

describe('the state inspector', () => {
  it('shows the notice from its file, the flash message used up, the session’s values in its cookie, and ctx.state', async () => {
    const visitor = request.agent(app('development'));
    await addItem(visitor, '<b>tea</b>');
    const res = await asBrowser(visitor).expect(200);
    const token = csrfFrom(res);
    const notice = 'Closed <i>Monday</i>';
    const fromFile = `the file ${shownPath(noticeFile)}, read again for this request`;
    const flash = { error: [], info: ['Added “<b>tea</b>” to your cart.'] };
    expect(panelRows(res.text)).to.deep.equal([
      ['the site notice', `"${notice}"`, fromFile, 'every visitor', 'until the file changes'],
      ['flash', JSON.stringify(flash), 'the session', 'this visitor', 'until shown once'],
      ...sessionRows(
        { counter: 2, csrf: `${token.slice(0, 8)}…`, items: ['<b>tea</b>'] },
        inSignedCookie(res, 'tutorial.session'),
        'up to 24 h after its last change',
      ),
      ...stateRows({ servedBy: process.pid, notice }),
    ]);
    expect(res.text).to.contain(`<p>Served by process ${process.pid}, the only one.</p>`);
    expect(panelHtml(res.text)).to.not.contain(token); // the token: its first 8 characters only
    expect(res.text).to.not.contain('<b>tea</b>'); // escaped wherever it is shown
  });

  it('lists no flash row, and no cart, on a first page: the notice, the count and token, ctx.state', async () => {
    const res = await asBrowser(app('development')).expect(200);
    expect(panelRows(res.text).map(([what]) => what)).to.deep.equal([
      'the site notice',
      'ctx.session.counter',
      'ctx.session.csrf',
      'ctx.state.servedBy',
      'ctx.state.notice',
    ]);
  });

  it('is not on the page outside development', async () => {
    expect(hasPanel((await asBrowser(app('production')).expect(200)).text)).to.equal(false);
    expect(hasPanel((await asBrowser(app('test')).expect(200)).text)).to.equal(false);
  });
});
