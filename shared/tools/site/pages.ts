// The course site's pages (docs/.vitepress/config.ts builds them with VitePress): which
// pages there are, where each one comes from, and the Markdown of those that are made
// at build time. Nothing here is a second copy of the course: the lessons, appendices
// and the root README are pages as they are; everything else is made from them, from
// the instructors' guide (docs/README.md), the answers (docs/answers/), the knowledge
// checks (docs/checks/), the pitfall tests and variants, and the steps' code.
//
// Links in made pages are written from the repository root (`/steps/02-sessions/README.md`);
// links.ts turns every link, on every page, into a link to the page that shows its target.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, posix } from 'node:path';
import { stepDiff } from '../diff-step.ts';
import { root } from '../npm.ts';
import { checkPage, parseCheck } from './checks.ts';
import {
  fenceFor,
  githubSlug,
  headings,
  linkTargets,
  mapTargets,
  orderedItems,
  sectionBySlug,
  sections,
  shiftHeadings,
} from './markdown.ts';
import { pitfallTests } from './tests.ts';

export type SitePage = {
  path: string; // the page in the site, as VitePress names it: 'steps/02-sessions/index.md'
  source: string; // the repository file it comes from: 'steps/02-sessions/README.md'
  title: string; // its name in the sidebar
  content?: string; // a made page's Markdown; undefined for a page that is a file as it is
  search: boolean; // in the local search index
  anchors: Set<string>; // its headings' ids
};

export type Step = {
  dir: string; // '02-sessions'
  number?: string; // '02' (none for a folder of steps/ that is not numbered)
  title: string; // the lesson's title: '02: Sessions'
  name: string; // 'Sessions'
};

export type Site = {
  steps: Step[];
  pages: SitePage[];
  made: SitePage[]; // the pages made at build time (docs/site/[page].md)
  files: string[]; // the pages that are repository files as they are
  page: (path: string) => SitePage | undefined;
  // The page (and heading id) that shows a repository file or folder (and heading).
  target: (file: string, hash?: string) => { page: SitePage; hash?: string } | undefined;
  sources: string[]; // every file a page is made from (for the dev server's reload)
};

const read = (file: string) => readFileSync(join(root, file), 'utf8').replace(/\r\n/g, '\n');
const exists = (file: string) => existsSync(join(root, file));
const isDir = (file: string) => exists(file) && statSync(join(root, file)).isDirectory();
const isExternal = (target: string) => /^([a-z][a-z0-9+.-]*:|\/\/)/i.test(target);

// A relative link in `source` as a link from the repository root; anchors alone too.
function fromRoot(target: string, source: string): string {
  if (isExternal(target) || target.startsWith('/')) return target;
  const [path, hash] = splitHash(target);
  const file = path ? posix.join(posix.dirname(source), path) : source;
  return `/${file.replace(/^\.\/?/, '')}${hash === undefined ? '' : `#${hash}`}`;
}

export function splitHash(target: string): [string, string | undefined] {
  const at = target.indexOf('#');
  return at < 0 ? [target, undefined] : [target.slice(0, at), target.slice(at + 1)];
}

// A made page's Markdown, from `source`: links from the root, and images relative to the
// made page's own module (docs/site/<path>), which is where Vite looks for them.
function rebase(markdown: string, source: string, pagePath: string): string {
  const moduleDir = posix.dirname(`docs/site/${pagePath}`);
  return mapTargets(markdown, (target, isImage) => {
    if (!isImage) return fromRoot(target, source);
    if (isExternal(target) || target.startsWith('/')) return target;
    return posix.relative(moduleDir, posix.join(posix.dirname(source), target));
  });
}

const titleOf = (markdown: string) => /^# (.+)$/m.exec(markdown)?.[1].trim();

function listSteps(): Step[] {
  return readdirSync(join(root, 'steps'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && exists(`steps/${entry.name}/README.md`))
    .map((entry) => {
      const title = titleOf(read(`steps/${entry.name}/README.md`)) ?? entry.name;
      const number = /^(\d\d)-/.exec(entry.name)?.[1];
      return { dir: entry.name, number, title, name: title.replace(/^\d\d:\s*/, '') };
    })
    .sort(
      (a, b) =>
        (a.number ?? '99').localeCompare(b.number ?? '99') || a.dir.localeCompare(b.dir),
    );
}

// ---- what changed -------------------------------------------------------------------

function changesPage(before: Step, step: Step): string {
  const stat = stepDiff(before.dir, step.dir, { stat: true, code: true });
  const diff = stepDiff(before.dir, step.dir, { code: true, only: ['src', 'views'] });
  const out = [
    `# What changed: ${step.title}`,
    '',
    `The code that step ${step.number} changed, relative to [step ${before.number}](/steps/${before.dir}/README.md).` +
      ` At the repository root, \`npm run diff -- ${step.number} src views --code\` prints the same diff of` +
      ` \`src/\` and \`views/\` (\`--code\`: no lessons, and no \`// #region\` lines, which only mark what a lesson includes).`,
    '',
    '## Every file that changed',
    '',
    'Lessons aside (`npm run diff -- ' + step.number + ' --code --stat`):',
    '',
    '| File | Lines added | Lines removed |',
    '| --- | ---: | ---: |',
    ...stat
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [, added, removed, path] = /^\+(\S+)\s+-(\S+)\s+(.*)$/.exec(line) ?? [];
        return `| \`${path}\` | ${added} | ${removed} |`;
      }),
    '',
  ];
  for (const chunk of diff
    .split(/^(?=diff --git )/m)
    .filter((c) => c.startsWith('diff --git'))) {
    const lines = chunk.replace(/\n$/, '').split('\n');
    const hunk = lines.findIndex((line) => line.startsWith('@@'));
    const header = lines.slice(0, hunk < 0 ? lines.length : hunk);
    const name = (prefix: string) =>
      header
        .find((line) => line.startsWith(prefix))
        ?.slice(prefix.length)
        .replace(/^[ab]\/[^/]+\//, '');
    const [oldName, newName] = [name('--- '), name('+++ ')];
    const path = newName && newName !== '/dev/null' ? newName : oldName;
    const what =
      oldName === '/dev/null' ? ' (new)' : newName === '/dev/null' ? ' (removed)' : '';
    out.push(`## \`${path}\`${what}`, '');
    if (hunk < 0) {
      out.push('A binary file, or only its mode, changed.', '');
      continue;
    }
    const body = lines.slice(hunk).join('\n');
    const fence = fenceFor(body);
    out.push(`${fence}diff`, body, fence, '');
  }
  return out.join('\n');
}

// ---- pitfalls -----------------------------------------------------------------------

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/</g, '&lt;');

function pitfallsPage(step: Step, lesson: string): string | undefined {
  const section = sections(lesson, 2).find((s) => /pitfalls/i.test(s.heading?.text ?? ''));
  if (!section?.heading) return undefined;
  const testFile = `steps/${step.dir}/test/pitfalls-${step.number}.test.ts`;
  const tests = pitfallTests(join(root, testFile));
  const variants = exists(`steps/${step.dir}/pitfalls`)
    ? readdirSync(join(root, `steps/${step.dir}/pitfalls`))
        .filter((file) => file.endsWith('.ts'))
        .map((file) => file.slice(0, -3))
    : [];
  const rows = sections(section.text, 3)
    .filter((s) => s.heading?.level === 3)
    .map(({ heading, body }) => {
      const number = Number(/^(\d+)\./.exec(heading!.text)?.[1]);
      // The naive variant: the first one the section names, as a file or as a demo.
      const named = [...body.matchAll(/pitfalls\/([\w-]+)\.ts|npm run demo -- ([\w-]+)/g)]
        .map((m) => m[1] ?? m[2])
        .find((name) => variants.includes(name));
      const command =
        named &&
        (new RegExp(
          `(?:\`|^\\$ )((?:[A-Z_]+=\\S+ )*npm run demo -- ${named})(?:\`|$)`,
          'm',
        ).exec(body)?.[1] ??
          `npm run demo -- ${named}`);
      const variant = named
        ? `[\`pitfalls/${named}.ts\`](/steps/${step.dir}/pitfalls/${named}.ts)<br>\`${command}\``
        : 'none: the tests use this step’s own app';
      const proofs = (tests.get(number) ?? []).map((test) => `• ${cell(test)}`).join('<br>');
      const link = `[${heading!.raw.replace(/\|/g, '\\|')}](/steps/${step.dir}/README.md#${heading!.slug})`;
      return `| ${link} | ${variant} | ${proofs || '(no test found)'} |`;
    });
  return [
    `# Pitfalls: ${step.title}`,
    '',
    `The global-state pitfalls of [the lesson](/steps/${step.dir}/README.md#${section.heading.slug}).` +
      ` Serve a naive variant in \`steps/${step.dir}\` with the command under it, and run` +
      ` every test below with \`npm run pitfalls\` there. The tests are in` +
      ` [\`test/pitfalls-${step.number}.test.ts\`](/${testFile}).`,
    '',
    '| Pitfall | Naive variant, and how to serve it | The tests that prove it |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

// ---- extra-credit answers -----------------------------------------------------------

function answersPage(step: Step, lesson: string, answers: string): string {
  const questions = new Map(
    orderedItems(sectionBySlug(lesson, 'extra-credit')?.body ?? '').map((item) => [
      item.number,
      item.body,
    ]),
  );
  const out = [
    `# ${titleOf(answers) ?? `Answers: ${step.title}`}`,
    '',
    `The questions are the lesson's [extra credit](/steps/${step.dir}/README.md#extra-credit).` +
      ' Think each one through before you open its answer.',
    '',
  ];
  for (const { number, body } of orderedItems(answers)) {
    const bold = /^\*\*(.+?)\*\*\s*/.exec(body);
    const question = questions.get(number);
    out.push(question ? `**${number}.** ${question}` : `**${number}.**`, '');
    out.push(`::: details Answer ${number}${bold ? `: ${bold[1].replace(/\.$/, '')}` : ''}`);
    out.push(bold ? body.slice(bold[0].length) : body, ':::', '');
  }
  return out.join('\n');
}

// ---- presenter view -----------------------------------------------------------------

// Cuts prose into screens of about `budget` characters, at blank lines outside code.
function screens(body: string, budget = 650): string[] {
  const blocks: string[] = [];
  let current: string[] = [];
  let inCode = false;
  for (const line of body.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) inCode = !inCode;
    if (!inCode && line.trim() === '') {
      if (current.length) blocks.push(current.join('\n'));
      current = [];
    } else current.push(line);
  }
  if (current.length) blocks.push(current.join('\n'));
  const result: string[] = [];
  let screen = '';
  const item = /^\s*([-*]|\d+\.)\s/;
  let previous = '';
  for (const block of blocks) {
    // Never between a sentence ending in a colon and what it announces, nor inside a list.
    const joined =
      previous.trimEnd().endsWith(':') || (item.test(previous) && item.test(block));
    previous = block;
    if (screen && !joined && screen.length + block.length > budget) {
      result.push(screen);
      screen = '';
    }
    screen += (screen ? '\n\n' : '') + block;
  }
  if (screen) result.push(screen);
  return result;
}

function presenterPage(step: Step, lesson: string, plan?: string): string {
  const slides: string[] = [];
  const slide = (heading: string, body: string) =>
    slides.push(`<section class="slide">\n\n${heading}\n\n${body.trim()}\n\n</section>`);
  const [top, ...parts] = sections(lesson, 2);
  slide(`# ${step.title}`, top.body.replace(/^# .*$/m, ''));
  for (const { heading, body } of parts) {
    const title = heading!.text;
    if (/^steps$/i.test(title)) {
      const items = orderedItems(body);
      const intro = body.split(/^1\. /m)[0];
      if (intro.trim()) slide(`## ${title}`, intro);
      items.forEach(({ number, body: item }) =>
        slide(`## ${title}: ${number} of ${items.length}`, shiftHeadings(item, 1)),
      );
    } else if (/pitfalls/i.test(title)) {
      const [intro, ...pitfalls] = sections(body, 3);
      if (intro.body.trim()) slide(`## ${title}`, intro.body);
      for (const pitfall of pitfalls)
        slide(`## Pitfall ${pitfall.heading!.raw}`, shiftHeadings(pitfall.body, 1));
    } else {
      const parts = screens(shiftHeadings(body, 1));
      parts.forEach((part, i) =>
        slide(`## ${title}${parts.length > 1 ? ` (${i + 1} of ${parts.length})` : ''}`, part),
      );
    }
  }
  const frontmatter = {
    layout: false,
    title: `${step.title}: presenter view`,
    search: false,
  };
  return [
    '---',
    JSON.stringify(frontmatter),
    '---',
    '',
    `<PresenterDeck lesson="/steps/${step.dir}/" plan="${plan ?? ''}" :total="${slides.length}">`,
    '',
    ...slides.flatMap((s) => [s, '']),
    '</PresenterDeck>',
    '',
  ].join('\n');
}

// ---- the instructors' guide ---------------------------------------------------------

const guideNames: [RegExp, string][] = [
  [/^Step (\d\d)\b/i, 'instructors/step-$1'],
  [/checklist/i, 'instructors/checklist'],
  [/terminal blocks/i, 'instructors/terminal-blocks'],
  [/state inspector/i, 'instructors/state-inspector'],
  [/goes wrong/i, 'instructors/troubleshooting'],
  [/checks itself/i, 'maintainers/index'],
];

type GuidePart = { path: string; title: string; markdown: string; slugs: Map<string, string> };

// docs/README.md cut at its `## ` headings: the introduction and the first section are
// the guide's first page; every other section is a page of its own.
function guideParts(guide: string, steps: Step[]): GuidePart[] {
  const all = headings(guide); // ids as in the whole file, as links to it use them
  const [intro, first, ...rest] = sections(guide, 2);
  const parts: GuidePart[] = [];
  const add = (path: string, title: string, markdown: string, from: number, to: number) => {
    // Each heading's id in the whole file, and the id it gets on its page.
    const own = headings(markdown);
    const inFile = all.filter((h) => h.line >= from && h.line < to);
    const slugs = new Map<string, string>();
    inFile.forEach((h, i) =>
      slugs.set(h.slug, own[i + (own.length - inFile.length)]?.slug ?? h.slug),
    );
    parts.push({ path, title, markdown, slugs });
  };
  const end = (s: (typeof rest)[number] | undefined) =>
    s?.heading ? s.heading.line : guide.split('\n').length;
  if (first?.heading) {
    add(
      'instructors/index.md',
      titleOf(guide) ?? 'Instructors',
      `${intro.text.trim()}\n\n${first.text.trim()}\n`,
      0,
      end(rest[0]),
    );
  }
  rest.forEach((section, i) => {
    const heading = section.heading!;
    const rule = guideNames.find(([pattern]) => pattern.test(heading.text));
    const name = rule
      ? heading.text.match(rule[0])![0].replace(rule[0], rule[1])
      : `instructors/${githubSlug(heading.text.split(':')[0])}`;
    const path = `${name.toLowerCase()}.md`;
    const step = /^Step (\d\d)\b/i.exec(heading.text)?.[1];
    const stepDir = step && steps.find((s) => s.number === step)?.dir;
    const links = stepDir
      ? `\n\nPresent it: [the presenter view](/present/${stepDir}.md), made from [the lesson](/steps/${stepDir}/README.md).`
      : '';
    const markdown = `# ${heading.text}${links}\n${shiftHeadings(section.body, -1)}\n`;
    add(
      path,
      heading.text.replace(/\s*\(50 minutes\)$/, ''),
      markdown,
      heading.line,
      end(rest[i + 1]),
    );
  });
  return parts;
}

// ---- source files -------------------------------------------------------------------

const languages: Record<string, string> = {
  '.ts': 'ts',
  '.mts': 'ts',
  '.js': 'js',
  '.mjs': 'js',
  '.json': 'json',
  '.eta': 'html',
  '.html': 'html',
  '.css': 'css',
  '.sql': 'sql',
  '.sh': 'sh',
  '.yml': 'yaml',
  '.yaml': 'yaml',
};
const textFile = (file: string) =>
  extname(file) in languages || ['', '.txt'].includes(extname(file));

function sourcePage(file: string): string {
  const code = read(file);
  const fence = fenceFor(code);
  const lines = code.replace(/\n$/, '').split('\n').length;
  return [
    `# \`${file}\``,
    '',
    `The file as it is in the repository (${lines} lines).`,
    '',
    `${fence}${languages[extname(file)] ?? 'text'}:line-numbers`,
    code.replace(/\n$/, ''),
    fence,
    '',
  ].join('\n');
}

// ---- the start page -----------------------------------------------------------------

function startPage(readme: string, guide: string): string {
  const title = titleOf(readme) ?? 'The course';
  const [name, text] = title.split(/:\s*/, 2);
  const lead = sections(readme, 2)[0]
    .body.replace(/^# .*$/m, '')
    .trim();
  const forWhom = lead.split(/\n\s*\n/).find((p) => /^\*\*For\*\*/.test(p)) ?? '';
  const question =
    lead
      .split(/\n\s*\n/)[0]
      .split('\n')
      .join(' ')
      .split('?')[0] + '?';
  const setUp = sectionBySlug(readme, 'set-up')?.body.trim() ?? '';
  const map = sectionBySlug(guide, 'course-map')?.body ?? '';
  const table = map
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .join('\n');
  const frontmatter = {
    layout: 'home',
    title: name,
    hero: {
      name,
      text: text ? text[0].toUpperCase() + text.slice(1) : undefined,
      tagline: question,
      actions: [
        { theme: 'brand', text: 'Start the course', link: '/steps/01-view_classes/' },
        { theme: 'alt', text: "Instructors' guide", link: '/instructors/' },
      ],
    },
  };
  return [
    '---',
    JSON.stringify(frontmatter),
    '---',
    '',
    '## Who the course is for',
    '',
    rebase(forWhom, 'README.md', 'index.md'),
    '',
    '## Set up',
    '',
    rebase(setUp, 'README.md', 'index.md'),
    '',
    'Then read [how to run a step](/README.md#run-a-step), and start with the first lesson.',
    '',
    '## The steps',
    '',
    rebase(table, 'docs/README.md', 'index.md'),
    '',
  ].join('\n');
}

// ---- the whole site -----------------------------------------------------------------

// Every Markdown file in the repository outside node_modules and dot folders.
function markdownFiles(dir = ''): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') return [];
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) return markdownFiles(path);
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

export function buildSite(): Site {
  const steps = listSteps();
  const pages: SitePage[] = [];
  const sources = new Set<string>();
  const byFile = new Map<string, SitePage>();
  const byAnchor = new Map<string, { page: SitePage; hash: string }>();

  const add = (page: Omit<SitePage, 'anchors'>, markdown: string) => {
    const full: SitePage = { ...page, anchors: new Set(headings(markdown).map((h) => h.slug)) };
    pages.push(full);
    sources.add(page.source);
    return full;
  };
  const addFile = (source: string, path: string, title: string) => {
    const page = add({ path, source, title, search: true }, read(source));
    byFile.set(source, page);
    return page;
  };
  const make = (path: string, source: string, title: string, content: string, search = true) =>
    add({ path, source, title, content: rebase(content, source, path), search }, content);

  // The files that are pages as they are.
  if (exists('README.md'))
    byFile.set('', addFile('README.md', 'course.md', 'About the course'));
  for (const step of steps) {
    const lesson = addFile(
      `steps/${step.dir}/README.md`,
      `steps/${step.dir}/index.md`,
      'Lesson',
    );
    byFile.set(`steps/${step.dir}`, lesson);
    for (const file of readdirSync(join(root, 'steps', step.dir))) {
      if (!file.endsWith('.md') || file === 'README.md') continue;
      const path = file === 'APPENDIX.md' ? 'appendix.md' : file;
      addFile(
        `steps/${step.dir}/${file}`,
        `steps/${step.dir}/${path}`,
        file === 'APPENDIX.md' ? 'Appendix' : file.slice(0, -3),
      );
    }
  }
  const files = pages.map((page) => page.source);

  // The pages made at build time.
  const readme = exists('README.md') ? read('README.md') : '# The course\n';
  const guide = exists('docs/README.md') ? read('docs/README.md') : undefined;
  const start = make(
    'index.md',
    'README.md',
    'Start',
    guide ? startPage(readme, guide) : readme,
  );
  byFile.set('', start);
  if (guide) sources.add('docs/README.md');

  const parts = guide ? guideParts(guide, steps) : [];
  steps.forEach((step, index) => {
    const dir = `steps/${step.dir}`;
    const lesson = read(`${dir}/README.md`);
    const before = steps[index - 1];
    if (step.number && before?.number)
      make(
        `${dir}/changes.md`,
        `${dir}/README.md`,
        'What changed',
        changesPage(before, step),
        false,
      );
    const pitfalls = step.number && pitfallsPage(step, lesson);
    if (pitfalls) {
      make(`${dir}/pitfalls.md`, `${dir}/README.md`, 'Pitfalls', pitfalls);
      sources.add(`${dir}/test/pitfalls-${step.number}.test.ts`);
    }
    const check = `docs/checks/${step.dir}.md`;
    if (exists(check))
      byFile.set(
        check,
        make(
          `${dir}/check.md`,
          check,
          'Knowledge check',
          checkPage(parseCheck(read(check), check)),
          false,
        ),
      );
    const answers = `docs/answers/${step.dir}.md`;
    if (exists(answers))
      byFile.set(
        answers,
        // Out of the search, as the checks are: an answer shows only when it is opened.
        make(
          `${dir}/answers.md`,
          answers,
          'Extra credit answers',
          answersPage(step, lesson, read(answers)),
          false,
        ),
      );
    const plan = parts.find((part) => part.path === `instructors/step-${step.number}.md`);
    const presenter = presenterPage(
      step,
      lesson,
      plan && `/${plan.path.replace(/\.md$/, '.html')}`,
    );
    make(`present/${step.dir}.md`, `${dir}/README.md`, step.title, presenter, false);
  });

  if (guide) {
    for (const part of parts) {
      const page = make(part.path, 'docs/README.md', part.title, part.markdown);
      if (part.path === 'instructors/index.md') byFile.set('docs/README.md', page);
      for (const [inFile, onPage] of part.slugs)
        byAnchor.set(`docs/README.md#${inFile}`, { page, hash: onPage });
    }
    byFile.set('docs', byFile.get('docs/README.md')!);
  }
  const answerPages = pages.filter((page) => page.path.endsWith('/answers.md'));
  if (answerPages.length) {
    const list = answerPages.map((page) => {
      const step = steps.find((s) => page.path === `steps/${s.dir}/answers.md`)!;
      return `- [${step.title}](/${page.path})`;
    });
    const index = make(
      'instructors/answers.md',
      'docs/answers',
      'Extra credit answers',
      [
        '# Extra credit answers',
        '',
        'One page for each step, each answer behind a reveal:',
        '',
        ...list,
        '',
      ].join('\n'),
    );
    byFile.set('docs/answers', index);
  }

  const page = (path: string) => pages.find((p) => p.path === path);
  const target = (file: string, hash?: string) => {
    const clean = posix
      .normalize(file)
      .replace(/^\.?\/?/, '')
      .replace(/\/$/, '');
    const key = clean === '.' ? '' : clean;
    const anchored = hash && byAnchor.get(`${key}#${hash}`);
    if (anchored) return anchored;
    const found =
      byFile.get(key) ??
      page(key) ??
      page(`${key.replace(/\.html$/, '')}.md`) ??
      page(`${key}/index.md`);
    return found && { page: found, hash };
  };

  // A page for every other file a page links to (the platform's modules, ...), and for
  // every naive variant (the pitfalls tables link to them).
  const linked = new Set<string>();
  for (const p of pages) {
    const text = p.content ?? read(p.source);
    for (const link of linkTargets(text)) {
      if (isExternal(link)) continue;
      const [path] = splitHash(p.content ? link : fromRoot(link, p.source));
      const file = decodeURI(path).replace(/^\//, '');
      if (file && !file.endsWith('.md') && exists(file) && !isDir(file) && textFile(file))
        linked.add(posix.normalize(file));
    }
  }
  for (const step of steps)
    if (exists(`steps/${step.dir}/pitfalls`))
      for (const file of readdirSync(join(root, `steps/${step.dir}/pitfalls`)))
        if (file.endsWith('.ts')) linked.add(`steps/${step.dir}/pitfalls/${file}`);
  for (const file of [...linked].sort()) {
    if (byFile.has(file)) continue;
    byFile.set(file, make(`source/${file}.md`, file, file, sourcePage(file), false));
  }

  for (const p of pages) if (p.content === undefined) sources.add(p.source);
  return {
    steps,
    pages,
    made: pages.filter((p) => p.content !== undefined),
    files,
    page,
    target,
    sources: [...sources].filter((file) => exists(file) && !isDir(file)),
  };
}

// Every Markdown file that is not a page as it is: VitePress leaves them out.
export function notPages(site: Site): string[] {
  const pages = new Set(site.files);
  return markdownFiles().filter((file) => !pages.has(file) && !file.startsWith('docs/site/'));
}
