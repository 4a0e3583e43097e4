import { once } from 'node:events';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import request from 'supertest';
import { fixtureApp } from './fixtures/app.ts';

// The site's own address, PUBLIC_URL, where a plain-HTTP page load is sent.
const publicUrl = 'https://shop.example';
// requireHttps, as an app mounts it in secure-cookie mode: plain HTTP gets a clear answer instead of a page (and never a 500).
const secureApp = (
  options: { trustProxy?: boolean; publicUrl?: string } = { trustProxy: true, publicUrl },
) => fixtureApp({ secureCookies: true, ...options });
const secure = (options?: { trustProxy?: boolean; publicUrl?: string }) =>
  request(secureApp(options).callback());

// Sends a raw request, as written, to a secure-mode app; resolves with its response.
async function fetchRaw(text: string) {
  const server = createServer(secureApp().callback()).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
  let received = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
  socket.write(text); // with Connection: close, the server closes it after its answer
  await once(socket, 'close');
  server.close();
  return received;
}

describe('requireHttps', () => {
  it('redirects a page load over plain HTTP to the same path at PUBLIC_URL, uncached', async () => {
    const res = await secure().get('/other?x=1').set('Host', 'localhost:6543').expect(308);
    expect(res.headers.location).to.equal('https://shop.example/other?x=1');
    expect(res.headers['cache-control']).to.equal('no-store');
    await secure().head('/').expect(308);
  });

  it('never redirects to a host the request names (Host, X-Forwarded-Host, the request line)', async () => {
    const hostile = [
      await secure().get('/').set('Host', 'evil.example'),
      await secure().get('/').set('X-Forwarded-Host', 'evil.example'),
      await secure().get('/').set('Host', 'shop.example.evil.example'),
    ];
    for (const res of hostile) {
      expect(res.status).to.equal(308);
      expect(res.headers.location).to.equal('https://shop.example/');
    }
    // An absolute address in the request line: Koa's originalUrl is then that address.
    const res = await fetchRaw(
      'GET http://evil.example/x HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n',
    );
    expect(res)
      .to.match(/^HTTP\/1\.1 308 /)
      .and.match(/^Location: https:\/\/shop\.example\/\r?$/im);
  });

  it('refuses a page load over plain HTTP as well when it has no PUBLIC_URL to send it to', async () => {
    const res = await secure({ trustProxy: true }).get('/').expect(403);
    expect(res.headers.location).to.equal(undefined);
  });

  it('refuses any other method over plain HTTP with 403, saying to use HTTPS', async () => {
    const res = await secure().post('/').expect(403);
    expect(res.text).to.contain('This site works over HTTPS only');
  });

  it('serves pages over HTTPS, as the trusted proxy reports it', async () => {
    await secure().get('/').set('X-Forwarded-Proto', 'https').expect(200);
  });

  it('does not believe X-Forwarded-Proto unless told to trust the proxy', async () => {
    await secure({ publicUrl }).get('/').set('X-Forwarded-Proto', 'https').expect(308);
  });
});
