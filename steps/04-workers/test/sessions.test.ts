import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../src/app.ts';
import { SESSION_COOKIE, sessionCookieName } from '../src/session.ts';
import {
  cookieHeader,
  sessionSetCookie,
  count,
  decodeSession,
  encodeSession,
  sessionCookie,
  setCookies,
} from './helpers/cookies.ts';
import { addItem, cart, csrfFrom, flashes } from './helpers/forms.ts';

// Functional tests of the session, with real cookies. Each test makes its own visitor
// (a supertest agent keeps cookies like a browser), so no test depends on another.
const app = (keys = ['test key']) => createApp({ env: 'test', keys }).callback();

describe('the visit counter', () => {
  it('counts one visitor across / and /howdy: 1, 2, 3', async () => {
    const visitor = request.agent(app());
    expect(count(await visitor.get('/').expect(200))).to.equal(1);
    expect(count(await visitor.get('/howdy').expect(200))).to.equal(2);
    expect(count(await visitor.get('/').expect(200))).to.equal(3);
  });

  it('starts a second visitor at 1', async () => {
    const server = app();
    const first = request.agent(server);
    await first.get('/');
    await first.get('/');
    expect(count(await request.agent(server).get('/'))).to.equal(1);
  });
});

describe('a restart', () => {
  it('continues the count in a new app with the same keys', async () => {
    const before = await request.agent(app(['k1'])).get('/');
    const after = await request(app(['k1']))
      .get('/')
      .set('Cookie', cookieHeader(before));
    expect(count(after)).to.equal(2);
  });

  it('starts again at 1 when the keys have changed', async () => {
    const before = await request.agent(app(['k1'])).get('/');
    const after = await request(app(['k2']))
      .get('/')
      .set('Cookie', cookieHeader(before));
    expect(count(after)).to.equal(1);
  });
});

describe('a session cookie that is not what the app signed', () => {
  it('with a wrong signature gets a fresh session and a 200, not an error', async () => {
    const cookie = `${SESSION_COOKIE}=${encodeSession({ counter: 41 })}; ${SESSION_COOKIE}.sig=forged`;
    const res = await request(app()).get('/').set('Cookie', cookie).expect(200);
    expect(count(res)).to.equal(1);
  });

  it('with its count edited but the old signature gets a fresh session', async () => {
    const first = await request(app()).get('/');
    const edited = encodeSession({
      ...decodeSession(setCookies(first)[SESSION_COOKIE]),
      counter: 1000,
    });
    const sig = setCookies(first)[`${SESSION_COOKIE}.sig`];
    const res = await request(app())
      .get('/')
      .set('Cookie', `${SESSION_COOKIE}=${edited}; ${SESSION_COOKIE}.sig=${sig}`);
    expect(count(res)).to.equal(1);
  });

  it('that is garbage gets a fresh session and a 200', async () => {
    const garbage = `${SESSION_COOKIE}=%%%not base64; ${SESSION_COOKIE}.sig=###; ;;===; =`;
    const res = await request(app()).get('/').set('Cookie', garbage).expect(200);
    expect(count(res)).to.equal(1);
  });

  it('that is correctly signed but is not JSON gets a fresh session and a 200', async () => {
    const res = await request(app())
      .get('/')
      .set('Cookie', sessionCookie('%%%', 'test key'))
      .expect(200);
    expect(count(res)).to.equal(1);
  });

  it('that is correctly signed but holds no count starts counting at 1', async () => {
    const value = Buffer.from('[1,2,3]').toString('base64');
    const res = await request(app())
      .get('/')
      .set('Cookie', sessionCookie(value, 'test key'))
      .expect(200);
    expect(count(res)).to.equal(1);
  });
});

describe('key rotation', () => {
  it('accepts a cookie signed with a retired key still in the list, and re-signs it with the newest', async () => {
    const old = await request(app(['old key'])).get('/');
    const rotated = await request(app(['new key', 'old key']))
      .get('/')
      .set('Cookie', cookieHeader(old));
    expect(count(rotated)).to.equal(2);
    // The new cookie verifies with the new key alone: the old key can go once old cookies expire.
    const later = await request(app(['new key']))
      .get('/')
      .set('Cookie', cookieHeader(rotated));
    expect(count(later)).to.equal(3);
  });
});

describe('the session cookie', () => {
  it('is HttpOnly, SameSite=Lax and expires, and is not Secure over plain HTTP', async () => {
    const res = await request(app()).get('/');
    const header = sessionSetCookie(res);
    expect(header)
      .to.match(/; httponly/i)
      .and.match(/; samesite=lax/i)
      .and.match(/; expires=/i);
    expect(header).to.not.match(/; secure/i);
  });

  it('is Secure when the app serves HTTPS behind a proxy', async () => {
    const secure = createApp({
      env: 'test',
      keys: ['k'],
      secureCookies: true,
      trustProxy: true,
    }).callback();
    const res = await request(secure).get('/').set('X-Forwarded-Proto', 'https').expect(200);
    expect(res.headers['set-cookie'][0]).to.match(/; secure/i);
  });

  it('is not set over plain HTTP in secure mode: the page load is redirected to HTTPS first', async () => {
    const secure = (trustProxy: boolean) =>
      request(
        createApp({
          env: 'test',
          keys: ['k'],
          secureCookies: true,
          trustProxy,
          publicUrl: 'https://shop.example',
        }).callback(),
      );
    const res = await secure(true).get('/howdy').expect(308);
    expect(res.headers.location).to.equal('https://shop.example/howdy');
    expect(res.headers['set-cookie']).to.equal(undefined);
    // X-Forwarded-Proto counts only from a proxy the app was told to trust.
    await secure(false).get('/').set('X-Forwarded-Proto', 'https').expect(308);
  });
});

describe('createApp', () => {
  it('refuses to build an app without keys, and says what it needs', () => {
    // @ts-expect-error: the mistake under test
    expect(() => createApp({})).to.throw(
      TypeError,
      'createApp: options.keys must be a non-empty array',
    );
    expect(() => createApp({ keys: [] })).to.throw(TypeError, 'options.keys');
    expect(() => createApp({ keys: [''] })).to.throw(TypeError, 'options.keys');
    expect(() => createApp({ keys: ['a key', ''] })).to.throw(TypeError, 'options.keys');
    // @ts-expect-error: the mistake under test
    expect(() => createApp({ keys: ['a key', 5] })).to.throw(TypeError, 'options.keys');
  });
});

describe('a correctly signed session in a shape this app never writes', () => {
  // Each is signed with the app's key, as an older version of the app (or a bug) might
  // have written it. JSON text, so that keys such as __proto__ arrive as they would.
  const shapes = [
    '{"csrf":{"a":1}}',
    '{"csrf":5,"counter":3}',
    '{"__proto__":{"counter":5}}',
    '{"toJSON":"x"}',
    '{"counter":"x"}',
    '{"counter":-1}',
    '{"counter":1e300}',
    '{"items":"tea"}',
    '{"items":["tea",5]}',
    '{"flash":{"info":5}}',
    '{"flash":[]}',
    '{"maxAge":5}',
    '{"_requireSave":true}',
    '{"isNew":1}',
    '{"_expire":"soon"}',
    'null',
    '[1,2,3]',
    '"text"',
  ];
  for (const json of shapes) {
    it(`${json}: a fresh session, a 200, and the form still works`, async () => {
      const server = app();
      const cookie = sessionCookie(Buffer.from(json).toString('base64'), 'test key');
      const page = await request(server).get('/').set('Cookie', cookie).expect(200);
      expect(count(page)).to.equal(1);
      // The page's form works: no visitor is locked out by what their cookie held.
      const visitor = request.agent(server);
      await visitor.get('/').set('Cookie', cookie);
      expect((await addItem(visitor, 'tea')).status).to.equal(303);
      expect(cart(await visitor.get('/'))).to.deep.equal(['tea']);
    });
  }
});

describe('a HEAD request', () => {
  it('changes nothing: no visit counted, no message used up, no cookie sent', async () => {
    const visitor = request.agent(app());
    await addItem(visitor, 'tea'); // Count 1 on the form's page, and a message waiting
    const head = await visitor.head('/').expect(200);
    expect(head.headers['set-cookie']).to.equal(undefined);
    const page = await visitor.get('/');
    expect(count(page)).to.equal(2);
    expect(flashes(page)).to.deep.equal(['info: Added “tea” to your cart.']);
  });

  it('starts no session for a new visitor', async () => {
    const res = await request(app()).head('/howdy').expect(200);
    expect(res.headers['set-cookie']).to.equal(undefined);
  });
});

describe('pages about one visitor', () => {
  for (const path of ['/', '/howdy']) {
    it(`${path} may not be stored by any cache`, async () => {
      await request(app()).get(path).expect(200).expect('Cache-Control', 'no-store');
    });
  }

  it('the answer to a form may not be stored either', async () => {
    const res = await addItem(request.agent(app()), 'tea');
    expect(res.headers['cache-control']).to.equal('no-store');
  });
});

describe('the session cookie over HTTPS', () => {
  it('is named __Host-, is Secure, and has Path=/ and no Domain', async () => {
    const server = createApp({
      env: 'test',
      keys: ['k'],
      secureCookies: true,
      trustProxy: true,
    }).callback();
    const res = await request(server).get('/').set('X-Forwarded-Proto', 'https');
    const header = sessionSetCookie(res, sessionCookieName(true));
    expect(header)
      .to.match(/^__Host-tutorial\.session=/)
      .and.match(/; path=\/;/i)
      .and.match(/; secure/i);
    expect(header).to.not.match(/; domain=/i);
  });
});

// #region sibling-subdomain
describe('a session planted by a sibling subdomain', () => {
  // A page on evil.example.com can set a cookie for all of example.com, with a longer
  // Path so that the browser sends it first. It holds the attacker's own valid session,
  // whose CSRF token the attacker knows. The server reads the first cookie of a name.
  const https = { env: 'test', keys: ['test key'], secureCookies: true, trustProxy: true };
  const visit = (server: ReturnType<typeof app>, secure: boolean) => {
    const page = request(server).get('/');
    return secure ? page.set('X-Forwarded-Proto', 'https') : page;
  };

  it('over plain HTTP, is read instead of the visitor’s own: the token cannot tell', async () => {
    const server = app();
    const attacker = await visit(server, false);
    const victim = await visit(server, false);
    const res = await request(server)
      .post('/items')
      .set('Cookie', `${cookieHeader(attacker)}; ${cookieHeader(victim)}`) // the planted pair first
      .type('form')
      .send({ _csrf: csrfFrom(attacker), item: 'chosen by the attacker' });
    // Accepted, and the victim's browser is now signed in to the attacker's session.
    expect(res.status).to.equal(303);
    expect(decodeSession(setCookies(res)[SESSION_COOKIE]).csrf).to.equal(csrfFrom(attacker));
  });

  it('over HTTPS, cannot take the __Host- cookie’s place, so the forged post is refused', async () => {
    const server = createApp(https).callback();
    const attacker = await visit(server, true);
    const victim = await visit(server, true);
    // Browsers refuse a __Host- cookie with a Domain, so the planted one must go by the
    // plain name (signed here as the app would sign it: more than an attacker can do).
    const value = setCookies(attacker)[sessionCookieName(true)];
    const res = await request(server)
      .post('/items')
      .set('X-Forwarded-Proto', 'https')
      .set('Cookie', `${sessionCookie(value, 'test key')}; ${cookieHeader(victim)}`)
      .type('form')
      .send({ _csrf: csrfFrom(attacker), item: 'chosen by the attacker' });
    expect(res.status).to.equal(403);
    expect(res.headers['set-cookie']).to.equal(undefined);
  });
});
// #endregion sibling-subdomain
