// The pages the course site makes at build time (shared/tools/site/pages.ts): each is
// this folder's [page].md with the page's Markdown in place of its one comment, and
// docs/.vitepress/config.ts moves it from docs/site/<page> to <page>.
import { buildSite } from '../../shared/tools/site/pages.ts';

export default {
  paths: () =>
    buildSite().made.map((page) => ({
      params: { page: page.path.replace(/\.md$/, '') },
      content: page.content,
    })),
};
