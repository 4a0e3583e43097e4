// The course site (VitePress 1.6): `npm run docs` serves it with live reload,
// `npm run docs:build` builds it into docs/.vitepress/dist, `npm run docs:preview`
// serves that build.
//
// Its pages come from the repository as it is (srcDir is the root): each step's
// README.md and APPENDIX.md, the root README.md, and the pages made at build time from
// them and from docs/ (docs/site/[page].md; see shared/tools/site/pages.ts).
import { join } from 'node:path';
import { createMarkdownRenderer, defineConfig } from 'vitepress';
import type { DefaultTheme } from 'vitepress';
import { blockCaptions } from '../../shared/tools/site/captions.ts';
import { siteLinks } from '../../shared/tools/site/links.ts';
import { githubSlug } from '../../shared/tools/site/markdown.ts';
import { buildSite, notPages } from '../../shared/tools/site/pages.ts';
import type { SitePage } from '../../shared/tools/site/pages.ts';
import { root } from '../../shared/tools/npm.ts';

const site = buildSite();

// A page's address in the site, as the sidebar and the nav write it.
const link = (page: SitePage) =>
  `/${page.path.replace(/(^|\/)index\.md$/, '$1').replace(/\.md$/, '')}`;
const item = (page: SitePage, text = page.title) => ({ text, link: link(page) });
const under = (prefix: string) => site.pages.filter((page) => page.path.startsWith(prefix));

// In each step: the lesson, its appendix, then what was made from them.
const order = [
  'index.md',
  'appendix.md',
  'changes.md',
  'pitfalls.md',
  'check.md',
  'answers.md',
];
const rank = (page: SitePage) => {
  const at = order.indexOf(page.path.split('/').pop()!);
  return at < 0 ? order.length : at;
};

const learners: DefaultTheme.SidebarItem[] = [
  {
    text: 'The course',
    items: [site.page('index.md'), site.page('course.md')]
      .filter((p) => p)
      .map((p) => item(p!)),
  },
  ...site.steps.map((step) => ({
    text: step.title,
    collapsed: true,
    items: under(`steps/${step.dir}/`)
      .sort((a, b) => rank(a) - rank(b))
      .map((page) => item(page)),
  })),
];

const guide = under('instructors/');
const stepPlans = guide.filter((page) => /\/step-\d\d\.md$/.test(page.path));
const instructors: DefaultTheme.SidebarItem[] = [
  {
    text: "Instructors' guide",
    items: guide
      .filter((page) => !stepPlans.includes(page) && !/troubleshooting|answers/.test(page.path))
      .map((page) =>
        item(page, page.path === 'instructors/index.md' ? 'The course map' : page.title),
      ),
  },
  { text: 'Each step in 50 minutes', items: stepPlans.map((page) => item(page)) },
  {
    text: 'Presenter views',
    items: under('present/').map((page) => item(page)),
  },
  {
    text: 'More',
    items: guide
      .filter((page) => /troubleshooting|answers/.test(page.path))
      .map((page) => item(page)),
  },
];

const course = site.page('course.md');
const maintainers: DefaultTheme.SidebarItem[] = [
  {
    text: 'Maintainers',
    items: [
      ...under('maintainers/').map((page) => item(page)),
      ...['contributing', 'layout']
        .filter((id) => course?.anchors.has(id))
        .map((id) => ({
          text: `${id[0].toUpperCase()}${id.slice(1)} (README)`,
          link: `/course#${id}`,
        })),
    ],
  },
];

// The local search: VitePress renders each page it finds as a file and cuts it at its
// headings; a made page has no file, so it is rendered here, with the same renderer.
// Both are cut as VitePress cuts them.
async function* searchSections(file: string, html: string) {
  if (!html) {
    const path = file.replaceAll('\\', '/').split('/docs/site/')[1];
    const page = path ? site.page(path) : undefined;
    if (!page?.content || !page.search) return;
    const md = await createMarkdownRenderer(root);
    const env = { path: join(root, page.path), relativePath: page.path, cleanUrls: false };
    html = md.render(page.content, env);
  }
  const parts = html.split(/<h(\d)[^>]*>(.*?<a[^>]* href="#[^"]*"[^>]*>.*?<\/a>)<\/h\1>/gi);
  let parents: string[] = [];
  for (let i = 1; i < parts.length; i += 3) {
    const level = Number(parts[i]) - 1;
    const heading = /(.*?)<a[^>]* href="#([^"]*)"[^>]*>.*?<\/a>/i.exec(parts[i + 1]);
    const title = (heading?.[1] ?? '').replace(/<[^>]*>/g, '').trim();
    const text = (parts[i + 2] ?? '').replace(/<[^>]*>/g, '');
    if (!title || !text) continue;
    const titles = [...parents.slice(0, level), title].filter(Boolean);
    yield { anchor: heading?.[2] ?? '', titles, text };
    parents = level === 0 ? [title] : [...parents.slice(0, level), title];
  }
}

export default defineConfig({
  title: 'State in web apps',
  description:
    'A step-by-step course on where data may live in a web app, with Koa and TypeScript',
  lang: 'en',
  // An icon in the page itself, so that no browser asks the server for /favicon.ico.
  head: [
    [
      'link',
      {
        rel: 'icon',
        href: "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='3' fill='%233451b2'/%3E%3Cpath d='M4 5h8M4 8h8M4 11h5' stroke='white' stroke-width='1.6'/%3E%3C/svg%3E",
      },
    ],
  ],
  srcDir: '..',
  srcExclude: notPages(site),
  // The made pages move from docs/site/ to their place; README.md becomes a folder's index.
  rewrites: (page) =>
    page.startsWith('docs/site/')
      ? page.slice('docs/site/'.length)
      : (site.pages.find((p) => p.content === undefined && p.source === page)?.path ?? page),
  // Links to a server the reader runs (http://localhost:6543/) are not pages of the site.
  ignoreDeadLinks: [/^https?:\/\/(localhost|127\.0\.0\.1)(:\d+)?(\/|$)/],
  markdown: {
    // Heading ids as the code host makes them, so that links written for it work here.
    anchor: { slugify: githubSlug },
    // `{...}` after text stays text, as on the code host.
    attrs: { disable: true },
    config: (md) => {
      md.use(siteLinks(site)).use(blockCaptions);
    },
  },
  themeConfig: {
    nav: [
      {
        text: 'Learners',
        link: site.steps[0] ? `/steps/${site.steps[0].dir}/` : '/',
        activeMatch: '^/(steps|course|source)/',
      },
      { text: 'Instructors', link: '/instructors/', activeMatch: '^/(instructors|present)/' },
      { text: 'Maintainers', link: '/maintainers/', activeMatch: '^/maintainers/' },
    ],
    sidebar: {
      '/instructors/': instructors,
      '/maintainers/': maintainers,
      '/': learners,
    },
    outline: { level: [2, 3] },
    search: {
      provider: 'local',
      options: { miniSearch: { _splitIntoSections: searchSections } },
    },
  },
  vite: {
    plugins: [
      {
        // The dev server restarts (and the browser reloads) when a file a made page comes
        // from changes: VitePress restarts when a file its config depends on changes.
        name: 'course-site:sources',
        configResolved(config) {
          const vitepress = (config as { vitepress?: { configDeps: string[] } }).vitepress;
          vitepress?.configDeps.push(
            ...site.sources.map((file) => join(root, file).replaceAll('\\', '/')),
          );
        },
      },
    ],
  },
});
