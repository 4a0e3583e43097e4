import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { Context } from 'koa';
import { createRenderer } from '@course/platform';

// The step's own templates.
const VIEWS_DIR = fileURLToPath(new URL('../views', import.meta.url));

// The templates on their own: whatever page data they print is escaped, wherever it
// comes from. Today most of it is the app's own text; tomorrow it may be a visitor's.
const markup = `<i>"x" & 'y'</i>`;
const escaped = '&lt;i&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/i&gt;';
// Everything any template reads, each a piece of markup.
const view = {
  counter: markup,
  csrfToken: markup,
  popMessages: () => ({ error: [markup], info: [markup] }),
};
const data = {
  name: markup,
  items: [markup],
  maxItemLength: markup,
  status: 500,
  message: markup,
  view,
};

describe('the templates', () => {
  for (const template of ['home', 'hello', 'error']) {
    it(`${template}.eta escapes all the page data it prints`, () => {
      const ctx = {} as Context;
      createRenderer({ cache: false, views: VIEWS_DIR })(ctx, template, data);
      expect(ctx.body).to.be.a('string').that.contains(escaped);
      expect(ctx.body).to.not.contain('<i>');
    });
  }
});
