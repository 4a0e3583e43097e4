// Step 03's home page as an Express 5 user would build it, for `npm run bench -- versus`:
// the session in a signed cookie (cookie-session), the visitor's count, the flash
// messages popped, the CSRF token, step 03's own templates rendered by eta, the course's
// security headers, the stylesheet under /static/. Started by the bench, never by a test.
import { fileURLToPath } from 'node:url';
import cookieSession from 'cookie-session';
import express from 'express';
import { MAX_ITEM_LENGTH as maxItemLength } from '../../../steps/03-flash/src/cart.ts';
import { keys, listen, renderer, securityHeaders, checked, viewOf } from './express-common.ts';

const step = new URL('../../../steps/03-flash/', import.meta.url);
const render = renderer(fileURLToPath(new URL('views', step)));
const app = express();
app.disable('x-powered-by');
app.use(securityHeaders);
app.use('/static', express.static(fileURLToPath(new URL('static', step)), { maxAge: '1h' }));
app.use(
  cookieSession({
    name: 'tutorial.session',
    keys,
    maxAge: 24 * 60 * 60 * 1000,
    httpOnly: true,
    sameSite: 'lax',
    signed: true,
  }),
);
app.get('/', (req, res) => {
  const session = checked(req.session);
  const view = viewOf(session);
  render(res, 'home', {
    name: 'Home View',
    items: session.items ?? [],
    maxItemLength,
    view,
  });
});
listen(app);
