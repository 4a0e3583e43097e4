import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../src/app.ts';
import { MAX_NOTICE_LENGTH, readNotice } from '../src/notice.ts';

// The site notice in one process; test/workers.test.ts shows it in several.
describe('the site notice', () => {
  let folder: string;
  let file: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'notice-test-'));
    file = join(folder, 'notice.txt');
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));
  const app = () => createApp({ env: 'test', keys: ['test key'], noticeFile: file }).callback();
  const notice = (text: string) =>
    /<p class="notice" role="note">(.*?)<\/p>/.exec(text)?.[1] ?? null;

  it('reads the file as it is at each request: an edit shows on the next page', async () => {
    const server = app();
    writeFileSync(file, 'Closed on Monday\n');
    expect(notice((await request(server).get('/')).text)).to.equal('Closed on Monday');
    writeFileSync(file, 'Open on Monday after all');
    expect(notice((await request(server).get('/howdy')).text)).to.equal(
      'Open on Monday after all',
    );
  });

  it('shows no notice when there is no file, and shows it once the file appears', async () => {
    const server = app();
    expect(notice((await request(server).get('/')).text)).to.equal(null);
    writeFileSync(file, 'Hello');
    expect(notice((await request(server).get('/')).text)).to.equal('Hello');
  });

  it('escapes markup in the notice, and cuts a long one short', async () => {
    writeFileSync(file, '<script>alert(1)</script>');
    expect(notice((await request(app()).get('/')).text)).to.equal(
      '&lt;script&gt;alert(1)&lt;/script&gt;',
    );
    writeFileSync(file, 'x'.repeat(MAX_NOTICE_LENGTH + 50));
    expect(await readNotice(file)).to.have.length(MAX_NOTICE_LENGTH);
  });

  it('is on error pages too', async () => {
    writeFileSync(file, 'Hello');
    const res = await request(app()).get('/no-such-page').expect(404);
    expect(notice(res.text)).to.equal('Hello');
  });

  it('leaves out a notice it cannot read, serves the page, and logs the problem once', async () => {
    const logged: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => logged.push(args.join(' '));
    try {
      const server = app();
      // A folder cannot be read as a file.
      const unreadable = createApp({ env: 'test', keys: ['k'], noticeFile: folder }).callback();
      for (let i = 0; i < 3; i++) {
        const res = await request(unreadable).get('/').expect(200);
        expect(notice(res.text)).to.equal(null);
      }
      expect(logged).to.have.length(1);
      expect(logged[0]).to.match(
        /^Cannot read the site notice: .*(EISDIR|is not a regular file)/,
      );
      await request(server).get('/').expect(200);
    } finally {
      console.error = original;
    }
  });

  it('leaves out a notice file that is a FIFO at once, with no writer, and logs it once', async function () {
    if (process.platform === 'win32') this.skip(); // no mkfifo: Windows has no FIFOs in files
    this.timeout(5000);
    execFileSync('mkfifo', [file]);
    const logged: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => logged.push(args.join(' '));
    try {
      const server = app();
      for (let i = 0; i < 3; i++) {
        const res = await request(server).get('/').timeout(2000).expect(200);
        expect(notice(res.text)).to.equal(null);
      }
      expect(logged).to.deep.equal([
        `Cannot read the site notice: ${file} is not a regular file`,
      ]);
    } finally {
      console.error = original;
    }
  });
});

describe('X-Served-By', () => {
  const server = createApp({ env: 'test', keys: ['test key'] }).callback();

  it("names this process, in the header and the page's footer", async () => {
    const res = await request(server).get('/').expect('X-Served-By', String(process.pid));
    expect(res.text).to.contain(`<footer>Served by process ${process.pid}</footer>`);
  });

  it('is on error pages and the stylesheet too', async () => {
    await request(server)
      .get('/nowhere')
      .expect(404)
      .expect('X-Served-By', String(process.pid));
    await request(server)
      .get('/static/style.css')
      .expect(200)
      .expect('X-Served-By', String(process.pid));
  });
});
