import { expect } from 'chai';
import { createMarkdownRenderer } from 'vitepress';
import { blockCaptions, caption } from '../captions.ts';
import { siteHref, siteLinks } from '../links.ts';
import { splitHash } from '../pages.ts';
import type { Site, SitePage } from '../pages.ts';

// A small site as pages.ts describes one: two files shown as they are, a page made from
// one of them, and a source file's page. `target` finds a page by the repository file
// (or folder) it shows, as buildSite's does, and records what it was asked.
const page = (path: string, source: string, anchors: string[], content?: string): SitePage => ({
  path,
  source,
  title: path,
  content,
  search: true,
  anchors: new Set(anchors),
});
const lesson = page('steps/02-sessions/index.md', 'steps/02-sessions/README.md', [
  'analysis',
  'café',
]);
const appendix = page('steps/02-sessions/appendix.md', 'steps/02-sessions/APPENDIX.md', [
  'secure-cookies',
]);
const pitfalls = page(
  'steps/02-sessions/pitfalls.md',
  'steps/02-sessions/README.md',
  ['pitfalls'],
  '# Pitfalls',
);
const workers = page(
  'source/shared/platform/src/workers.ts.md',
  'shared/platform/src/workers.ts',
  [],
  '# workers.ts',
);
const next = page('steps/03-flash/index.md', 'steps/03-flash/README.md', ['steps']);
const asked: string[] = [];
const byFile = new Map<string, SitePage>([
  ['steps/02-sessions/README.md', lesson],
  ['steps/02-sessions', lesson],
  ['steps/02-sessions/APPENDIX.md', appendix],
  ['shared/platform/src/workers.ts', workers],
  ['steps/03-flash/README.md', next],
  ['steps/02-sessions/My File.md', appendix],
]);
const pages = [lesson, appendix, pitfalls, workers, next];
const site: Site = {
  steps: [],
  pages,
  made: [pitfalls, workers],
  files: [lesson.source, appendix.source, next.source],
  page: (path) => pages.find((p) => p.path === path),
  target: (file, hash) => {
    asked.push(file);
    const found = byFile.get(file.replace(/\/$/, ''));
    return found && { page: found, hash };
  },
  sources: [],
};

describe('siteHref (links.ts)', () => {
  beforeEach(() => (asked.length = 0));

  it('leaves links to other sites as they are', () => {
    for (const href of ['https://github.com/koajs/session', 'mailto:a@b.c', '//cdn.example/x'])
      expect(siteHref(site, lesson, href)).to.equal(href);
    expect(asked).to.deep.equal([]);
  });

  it('keeps a link to a heading of the same page, and refuses one to no heading', () => {
    expect(siteHref(site, lesson, '#analysis')).to.equal('#analysis');
    expect(siteHref(site, lesson, '#caf%C3%A9')).to.equal('#caf%C3%A9');
    expect(() => siteHref(site, lesson, '#nowhere')).to.throw(
      'steps/02-sessions/README.md: the link #nowhere points at no heading of this page',
    );
  });

  it('turns a link to a Markdown file into a link to the page that shows it', () => {
    expect(siteHref(site, lesson, 'APPENDIX.md#secure-cookies')).to.equal(
      './appendix.md#secure-cookies',
    );
    expect(siteHref(site, lesson, '../03-flash/README.md')).to.equal('../03-flash/index.md');
    expect(asked).to.deep.equal(['steps/02-sessions/APPENDIX.md', 'steps/03-flash/README.md']);
  });

  it('turns a link to a source file into a link to its page', () => {
    expect(siteHref(site, lesson, '../../shared/platform/src/workers.ts')).to.equal(
      '../../source/shared/platform/src/workers.ts.md',
    );
  });

  it('reads the links of a made page from the repository root', () => {
    expect(siteHref(site, pitfalls, '/steps/02-sessions/README.md#analysis')).to.equal(
      './index.md#analysis',
    );
    expect(siteHref(site, pitfalls, '/steps/02-sessions/')).to.equal('./index.md');
    expect(asked).to.deep.equal(['steps/02-sessions/README.md', 'steps/02-sessions/']);
  });

  it('links a page to itself by its own name, or by the heading alone', () => {
    expect(siteHref(site, lesson, 'README.md')).to.equal('./index.md');
    expect(siteHref(site, lesson, 'README.md#analysis')).to.equal('#analysis');
  });

  it('decodes the file and the heading before it looks them up', () => {
    expect(siteHref(site, lesson, 'My%20File.md#secure-cookies')).to.equal(
      './appendix.md#secure-cookies',
    );
    expect(asked).to.deep.equal(['steps/02-sessions/My File.md']);
    expect(siteHref(site, pitfalls, '/steps/02-sessions/README.md#caf%C3%A9')).to.equal(
      './index.md#café',
    );
  });

  it('refuses a link to a heading the target page does not have, naming both files', () => {
    expect(() => siteHref(site, lesson, 'APPENDIX.md#insecure-cookies')).to.throw(
      'steps/02-sessions/README.md: the link APPENDIX.md#insecure-cookies points at no heading #insecure-cookies of steps/02-sessions/APPENDIX.md',
    );
    expect(() => siteHref(site, pitfalls, '#nowhere')).to.throw(
      'steps/02-sessions/pitfalls.md (made from steps/02-sessions/README.md): the link #nowhere',
    );
  });

  it('leaves a link to no page of the site for VitePress to report', () => {
    expect(siteHref(site, lesson, 'missing.md#x')).to.equal('missing.md#x');
  });
});

describe('siteLinks, as VitePress renders a page', () => {
  it('rewrites the links of the page being rendered, and only of a page of the site', async () => {
    const md = await createMarkdownRenderer('/');
    md.use(siteLinks(site));
    const text =
      'See [the appendix](APPENDIX.md#secure-cookies) and [a site](https://x.example).';
    expect(md.render(text, { relativePath: 'steps/02-sessions/index.md' })).to.include(
      'href="./appendix.html#secure-cookies"',
    );
    expect(md.render(text, { relativePath: 'steps/02-sessions/README.md' })).to.include(
      'href="./appendix.html#secure-cookies"',
    );
    expect(md.render(text, { relativePath: 'elsewhere.md' })).to.include(
      'href="./APPENDIX.html#secure-cookies"',
    );
    expect(() => md.render('[x](#nowhere)', { relativePath: lesson.path })).to.throw(
      /points at no heading/,
    );
  });
});

describe('splitHash (pages.ts)', () => {
  it('cuts a link at its first #', () => {
    expect(splitHash('README.md#analysis')).to.deep.equal(['README.md', 'analysis']);
    expect(splitHash('#top')).to.deep.equal(['', 'top']);
    expect(splitHash('a#b#c')).to.deep.equal(['a', 'b#c']);
    expect(splitHash('README.md')).to.deep.equal(['README.md', undefined]);
    expect(splitHash('README.md#')).to.deep.equal(['README.md', '']);
  });
});

describe('caption and blockCaptions (captions.ts)', () => {
  it('names the file a lesson copies its code from', () => {
    expect(caption('<!-- include: src/app.ts#routes -->')).to.equal(
      'From <code>src/app.ts</code>',
    );
    expect(caption('<!-- include: views/home.eta -->\n')).to.equal(
      'From <code>views/home.eta</code>',
    );
  });

  it('says where a terminal block was run, and beside which servers', () => {
    expect(caption('<!-- output: steps/02-sessions -->')).to.equal(
      'In <code>steps/02-sessions</code>',
    );
    expect(caption('<!-- output: steps/04-workers, beside npm start -->')).to.equal(
      'In <code>steps/04-workers</code>, with <code>npm start</code> running',
    );
    expect(
      caption('<!-- output: steps/06-session_stores, beside redis-server and npm start -->'),
    ).to.equal(
      'In <code>steps/06-session_stores</code>, with <code>redis-server</code> and <code>npm start</code> running',
    );
    expect(caption('<!-- output: steps/05-databases, after <two> & "three" -->')).to.equal(
      'In <code>steps/05-databases</code>, after &lt;two&gt; &amp; &quot;three&quot;',
    );
  });

  it('leaves any other comment without a caption', () => {
    expect(caption('<!-- a note -->')).to.equal(undefined);
    expect(caption('<!-- include: -->')).to.equal(undefined);
    expect(caption('<div>include: x</div>')).to.equal(undefined);
  });

  it('shows the caption above the comment, which stays in the page', async () => {
    const md = await createMarkdownRenderer('/');
    md.use(blockCaptions);
    const html = md.render('<!-- include: src/app.ts#routes -->\n\n```ts\nx\n```\n');
    expect(html).to.match(
      /^<p class="block-source">From <code>src\/app\.ts<\/code><\/p>\n<!-- include: src\/app\.ts#routes -->/,
    );
    expect(md.render('<!-- a note -->\n')).to.equal('<!-- a note -->\n');
  });
});
