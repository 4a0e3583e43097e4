import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
});
