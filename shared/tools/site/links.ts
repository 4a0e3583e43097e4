// A markdown-it plugin for the course site: every link on every page is written the way
// the code host reads it, relative to its Markdown file (`APPENDIX.md#secure-cookies`,
// `../../shared/platform/src/workers.ts`, `#analysis`), or from the repository root in
// the pages made at build time (pages.ts). This turns each one into a link to the page
// that shows its target: a lesson, one of the instructors' pages, a highlighted source
// file. VitePress then checks it like any other link (a dead link fails the build), and
// a link to a heading that page does not have fails the build here.
import { posix } from 'node:path';
import type { MarkdownRenderer } from 'vitepress';
import { splitHash } from './pages.ts';
import type { Site, SitePage } from './pages.ts';

type Env = { relativePath?: string };

const isExternal = (href: string) => /^([a-z][a-z0-9+.-]*:|\/\/)/i.test(href);

// The page being rendered: VitePress names it by its place in the site when it builds a
// page, and by its file when it indexes one for the search.
function pageOf(site: Site, env: Env): SitePage | undefined {
  const path = env.relativePath;
  if (!path) return undefined;
  return (
    site.page(path) ?? site.pages.find((p) => p.content === undefined && p.source === path)
  );
}

export function siteHref(site: Site, page: SitePage, href: string): string {
  if (isExternal(href)) return href;
  const where =
    page.content === undefined ? page.source : `${page.path} (made from ${page.source})`;
  const [path, rawHash] = splitHash(href);
  const hash = rawHash && decodeURIComponent(rawHash);
  if (!path) {
    if (hash && !page.anchors.has(hash))
      throw new Error(`${where}: the link ${href} points at no heading of this page`);
    return href;
  }
  const file = path.startsWith('/')
    ? path.slice(1)
    : posix.join(posix.dirname(page.source), path);
  const found = site.target(decodeURIComponent(file), hash);
  if (!found) return href; // not a page: VitePress's own check reports it
  if (found.hash && !found.page.anchors.has(found.hash))
    throw new Error(
      `${where}: the link ${href} points at no heading #${found.hash} of ${found.page.source}`,
    );
  let relative =
    found.page.path === page.path
      ? ''
      : posix.relative(posix.dirname(page.path), found.page.path);
  if (relative && !relative.startsWith('.')) relative = `./${relative}`;
  if (found.hash) return `${relative}#${found.hash}`;
  return relative || `./${posix.basename(page.path)}`;
}

export function siteLinks(site: Site) {
  return (md: MarkdownRenderer) => {
    md.core.ruler.push('course_site_links', (state) => {
      const page = pageOf(site, state.env as Env);
      if (!page) return;
      for (const token of state.tokens) {
        for (const child of token.children ?? []) {
          const href = child.type === 'link_open' ? child.attrGet('href') : null;
          if (href) child.attrSet('href', siteHref(site, page, href));
        }
      }
    });
  };
}
