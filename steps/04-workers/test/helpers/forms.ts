// Form helpers for the functional tests: what a browser does when a visitor submits
// the home page's form.
import type { Agent, Response } from 'supertest';

// The CSRF token in a page's form.
export const csrfFrom = (res: Response) =>
  /name="_csrf" value="([^"]+)"/.exec(res.text)?.[1] ?? '';

// Loads the home page for its token, then posts `item` as the form would (without
// following the redirect).
export async function addItem(visitor: Agent, item: string) {
  const page = await visitor.get('/');
  return visitor
    .post('/items')
    .type('form')
    .send({ _csrf: csrfFrom(page), item });
}
