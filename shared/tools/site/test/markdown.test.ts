import { expect } from 'chai';
import {
  dedent,
  fenceFor,
  githubSlug,
  headings,
  linkTargets,
  mapProse,
  mapTargets,
  orderedItems,
  plainText,
  sectionBySlug,
  sections,
  shiftHeadings,
  slugger,
} from '../markdown.ts';

describe('githubSlug', () => {
  it('makes the ids GitHub gives headings', () => {
    expect(githubSlug('Global-state pitfalls')).to.equal('global-state-pitfalls');
    expect(githubSlug('1. A module-level counter')).to.equal('1-a-module-level-counter');
    expect(githubSlug('Step 02: Sessions (50 minutes)')).to.equal(
      'step-02-sessions-50-minutes',
    );
    expect(githubSlug("What's in ctx.state?")).to.equal('whats-in-ctxstate');
  });

  it('keeps letters of any script, digits, underscores and hyphens', () => {
    expect(githubSlug('Café déjà vu')).to.equal('café-déjà-vu');
    expect(githubSlug('session_stores and --flags')).to.equal('session_stores-and---flags');
  });

  it('turns each space into a hyphen, without merging them', () => {
    expect(githubSlug('a  b')).to.equal('a--b');
    expect(githubSlug('a & b')).to.equal('a--b');
  });
});

describe('slugger', () => {
  it('numbers the second and later headings with the same id', () => {
    const slug = slugger();
    expect(['Notes', 'Notes', 'Other', 'Notes'].map(slug)).to.deep.equal([
      'notes',
      'notes-1',
      'other',
      'notes-2',
    ]);
  });

  it('starts again for each document', () => {
    expect(slugger()('Notes')).to.equal('notes');
    expect(slugger()('Notes')).to.equal('notes');
  });
});

describe('plainText', () => {
  it('drops code spans, links, images and emphasis marks, as a reader sees them', () => {
    expect(plainText('The `ctx.state` of [a request](x.md), **bold** and _stressed_')).to.equal(
      'The ctx.state of a request, bold and stressed',
    );
    expect(plainText('![a picture](p.png) here')).to.equal('a picture here');
    expect(plainText('``a `tick` inside``')).to.equal('a `tick` inside');
  });

  it('keeps underscores inside words, and unescapes escaped characters', () => {
    expect(plainText('06: session_stores_here')).to.equal('06: session_stores_here');
    expect(plainText('1\\. Not a list \\[x\\]')).to.equal('1. Not a list [x]');
  });
});

describe('headings', () => {
  const doc = [
    '# Title',
    '',
    '## Steps ##',
    '',
    '```sh',
    '# a shell comment, not a heading',
    '```',
    '',
    '1. An item',
    '',
    '   ~~~~ts',
    '   ## still code',
    '   ~~~~',
    '',
    '### The `ctx` object',
    '## Steps',
  ].join('\n');

  it('finds every heading outside code, with its level, text, id and line', () => {
    expect(headings(doc)).to.deep.equal([
      { level: 1, raw: 'Title', text: 'Title', slug: 'title', line: 0 },
      { level: 2, raw: 'Steps', text: 'Steps', slug: 'steps', line: 2 },
      {
        level: 3,
        raw: 'The `ctx` object',
        text: 'The ctx object',
        slug: 'the-ctx-object',
        line: 14,
      },
      { level: 2, raw: 'Steps', text: 'Steps', slug: 'steps-1', line: 15 },
    ]);
  });

  it('does not end a fence at a shorter or different one', () => {
    const fenced = ['````md', '```', '# inside', '```', '````', '# outside'].join('\n');
    expect(headings(fenced).map((h) => h.text)).to.deep.equal(['outside']);
    const tilde = ['~~~', '```', '# inside', '~~~', '# outside'].join('\n');
    expect(headings(tilde).map((h) => h.text)).to.deep.equal(['outside']);
  });
});

describe('sections and sectionBySlug', () => {
  const doc = ['# T', 'intro', '## A', 'a text', '### A.1', 'deeper', '## B', 'b text'].join(
    '\n',
  );

  it('cuts a document at each heading of one level, the part before it first', () => {
    const parts = sections(doc, 2);
    expect(parts.map((s) => s.heading?.text)).to.deep.equal([undefined, 'A', 'B']);
    expect(parts[0].body).to.equal('# T\nintro');
    expect(parts[1].body).to.equal('a text\n### A.1\ndeeper');
    expect(parts[1].text).to.equal('## A\na text\n### A.1\ndeeper');
    expect(parts[2].body).to.equal('b text');
  });

  it('finds a section by its id, down to the next heading of its level or above', () => {
    expect(sectionBySlug(doc, 'a1')?.body).to.equal('deeper');
    expect(sectionBySlug(doc, 'a')?.body).to.equal('a text\n### A.1\ndeeper');
    expect(sectionBySlug(doc, 'b')?.text).to.equal('## B\nb text');
    expect(sectionBySlug(doc, 'missing')).to.equal(undefined);
  });
});

describe('mapTargets, linkTargets and mapProse', () => {
  const doc = [
    'See [the lesson](README.md#analysis "Analysis") and ![a picture](images/p.png).',
    'Not `[code](span.md)`, but [a [nested] one](other.md).',
    '```md',
    '[in a block](block.md)',
    '```',
  ].join('\n');

  it('changes link and image targets outside code, keeping titles', () => {
    const seen: [string, boolean][] = [];
    const out = mapTargets(doc, (target, isImage) => {
      seen.push([target, isImage]);
      return `/root/${target}`;
    });
    expect(seen).to.deep.equal([
      ['README.md#analysis', false],
      ['images/p.png', true],
      ['other.md', false],
    ]);
    expect(out.split('\n')).to.deep.equal([
      'See [the lesson](/root/README.md#analysis "Analysis") and ![a picture](/root/images/p.png).',
      'Not `[code](span.md)`, but [a [nested] one](/root/other.md).',
      '```md',
      '[in a block](block.md)',
      '```',
    ]);
  });

  it('lists the links, not the images', () => {
    expect(linkTargets(doc)).to.deep.equal(['README.md#analysis', 'other.md']);
  });

  it('hands prose to the change with code spans out of reach, and puts them back', () => {
    const out = mapProse('a `b a` a\n```\na\n```', (line) => line.replaceAll('a', 'X'));
    expect(out).to.equal('X `b a` X\n```\na\n```');
  });
});

describe('shiftHeadings', () => {
  it('moves headings outside code by some levels, within 1 to 6', () => {
    const doc = '# One\n### Three\n###### Six\n```\n## code\n```';
    expect(shiftHeadings(doc, 1)).to.equal('## One\n#### Three\n###### Six\n```\n## code\n```');
    expect(shiftHeadings(doc, -2)).to.equal('# One\n# Three\n#### Six\n```\n## code\n```');
  });
});

describe('orderedItems and dedent', () => {
  it('reads the items of a top-level ordered list, with their continuation', () => {
    const doc = [
      'Intro.',
      '',
      '1. First item',
      '   goes on here.',
      '',
      '   ```sh',
      'npm test',
      '   ```',
      '2. Second',
      'Not part of an item.',
      '10. Tenth',
      '',
    ].join('\n');
    expect(orderedItems(doc)).to.deep.equal([
      { number: 1, body: 'First item\ngoes on here.\n\n```sh\nnpm test\n```' },
      { number: 2, body: 'Second' },
      { number: 10, body: 'Tenth' },
    ]);
  });

  it('removes up to so many leading spaces from each line', () => {
    expect(dedent('   three\n     five\n one', 3)).to.equal('three\n  five\none');
  });
});

describe('fenceFor', () => {
  it('is one backtick longer than the longest run in the code, and at least three', () => {
    expect(fenceFor('no ticks')).to.equal('```');
    expect(fenceFor('a `span`')).to.equal('```');
    expect(fenceFor('```ts\ncode\n```')).to.equal('````');
    expect(fenceFor('`````')).to.equal('``````');
  });
});
