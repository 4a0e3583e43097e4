import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { readSmallFile } from '../src/index.ts';

describe('readSmallFile', () => {
  let folder: string;
  let file: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'files-test-'));
    file = join(folder, 'notice.txt');
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('reads the file as it is now, and nothing when there is no file', async () => {
    expect(await readSmallFile(file, 100)).to.equal(undefined);
    writeFileSync(file, 'Closed on Monday\n');
    expect(await readSmallFile(file, 100)).to.equal('Closed on Monday\n');
    writeFileSync(file, 'Open');
    expect(await readSmallFile(file, 100)).to.equal('Open');
  });

  it('reads at most maxBytes bytes, from the start', async () => {
    writeFileSync(file, 'abcdef');
    expect(await readSmallFile(file, 4)).to.equal('abcd');
  });

  it('refuses a folder, naming it', async () => {
    const error = await readSmallFile(folder, 100).catch((e: unknown) => e);
    expect((error as Error).message).to.match(/EISDIR|is not a regular file/);
  });

  it('refuses a FIFO at once, with no writer, naming it', async function () {
    if (process.platform === 'win32') this.skip(); // no mkfifo: Windows has no FIFOs in files
    this.timeout(5000);
    execFileSync('mkfifo', [file]);
    const error = await readSmallFile(file, 100).catch((e: unknown) => e);
    expect((error as Error).message).to.equal(`${file} is not a regular file`);
  });

  it('refuses any other failure to open, naming it: only a missing file is no notice', async function () {
    if (process.platform === 'win32') this.skip(); // Windows answers ENOENT for such a path
    writeFileSync(file, 'a file, not a folder');
    const error = await readSmallFile(join(file, 'notice.txt'), 100).catch((e: unknown) => e);
    expect((error as NodeJS.ErrnoException).code).to.equal('ENOTDIR');
  });

  it('leaves no file open, whether it read the file or refused it', async function () {
    if (!existsSync('/proc/self/fd')) this.skip(); // Linux: this process's open files
    const open = () => readdirSync('/proc/self/fd').length;
    writeFileSync(file, 'Open');
    const before = open();
    for (let i = 0; i < 10; i += 1) {
      await readSmallFile(file, 100);
      await readSmallFile(folder, 100).catch(() => {});
    }
    expect(open()).to.equal(before);
  });
});
