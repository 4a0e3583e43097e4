// Step 06's home page with Redis as an Express 5 user would build it, for `npm run bench
// -- versus`: the session in Redis (express-session + connect-redis, the cookie only its
// signed id), the cart read from its own list beside it, the site's visit count as one
// atomic UPDATE and the popular list read from SQLite (step 06's own src/db.ts: the same
// statements, journal mode and `synchronous` level), step 06's templates, the course's
// security headers. REDIS_URL and DATABASE_PATH as the step reads them.
import { fileURLToPath } from 'node:url';
import { RedisStore } from 'connect-redis';
import express from 'express';
import session from 'express-session';
import { createClient } from 'redis';
import { DEFAULT_NOTICE_FILE as NOTICE_FILE } from '../../../steps/06-session_stores/src/config.ts';
import { openDatabase } from '../../../steps/06-session_stores/src/db.ts';
import { readNotice } from '../../../steps/06-session_stores/src/notice.ts';
import { MAX_ITEM_LENGTH as maxItemLength } from '../../../steps/06-session_stores/src/cart.ts';
import { keys, listen, renderer, securityHeaders, checked, viewOf } from './express-common.ts';

const step = new URL('../../../steps/06-session_stores/', import.meta.url);
const render = renderer(fileURLToPath(new URL('views', step)));
const db = openDatabase(process.env.DATABASE_PATH!);
const client = createClient({ url: process.env.REDIS_URL, disableOfflineQueue: true });
await client.connect();
const prefix = 'session:';

const app = express();
app.disable('x-powered-by');
app.use(securityHeaders);
app.use('/static', express.static(fileURLToPath(new URL('static', step)), { maxAge: '1h' }));
app.use(
  session({
    store: new RedisStore({ client, prefix }),
    name: 'tutorial.session',
    secret: keys,
    resave: false,
    saveUninitialized: false,
    cookie: { maxAge: 24 * 60 * 60 * 1000, httpOnly: true, sameSite: 'lax' },
  }),
);
app.get('/', async (req, res) => {
  // As step 06 does on every page: the site notice read from its file, the process that
  // answers in a header and the footer.
  const notice = await readNotice(NOTICE_FILE);
  res.set('X-Served-By', String(process.pid));
  const visit = checked(req.session);
  const items = await client.lRange(`${prefix}${req.sessionID}:cart`, 0, -1);
  const view = viewOf(visit, { visits: db.countVisit() });
  const popular = db.popular();
  const [name, servedBy] = ['Home View', process.pid];
  render(res, 'home', { notice, servedBy, name, items, maxItemLength, popular, view });
});
listen(app);
