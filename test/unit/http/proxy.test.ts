// The proxy support of the HTTP core on its own: no_proxy matching, the Proxy-Authorization value, and the CONNECT
// tunnel against a scripted proxy (a plain TCP server that answers exactly what each test needs).
import * as assert from 'assert';
import * as net from 'net';
import type { AddressInfo } from 'net';
import * as https from 'https';
import { bypassesProxy, openTunnel, proxyAuthorization, TunnelingAgent } from '../../../src/http/proxy';

describe('http/proxy', () => {
  describe('bypassesProxy (VS Code http.noProxy)', () => {
    const CASES: { target: string; noProxy: readonly string[] | undefined; bypass: boolean; why: string }[] = [
      { target: 'https://api.example.com/x', noProxy: undefined, bypass: false, why: 'no list' },
      { target: 'https://api.example.com/x', noProxy: [], bypass: false, why: 'an empty list' },
      { target: 'https://api.example.com/x', noProxy: ['*'], bypass: true, why: 'the wildcard' },
      { target: 'https://api.example.com/x', noProxy: [' * '], bypass: true, why: 'the wildcard, blanks trimmed' },
      { target: 'https://api.example.com/x', noProxy: ['', '  ', 'api.example.com'], bypass: true, why: 'empty entries skipped' },
      { target: 'https://api.example.com/x', noProxy: ['', 'other.example.com'], bypass: false, why: 'an empty entry matches nothing' },
      { target: 'https://API.Example.com/x', noProxy: [' Api.EXAMPLE.com '], bypass: true, why: 'case and blanks ignored' },
      { target: 'https://api.example.com/x', noProxy: ['example.com'], bypass: false, why: 'a plain name is exact' },
      { target: 'https://notexample.com/x', noProxy: ['.example.com'], bypass: false, why: 'a suffix starts at a dot' },
      { target: 'https://api.example.com/x', noProxy: ['.example.com'], bypass: true, why: 'a dotted suffix' },
      { target: 'https://example.com/x', noProxy: ['.example.com'], bypass: true, why: 'a dotted suffix covers the domain itself' },
      { target: 'https://api.example.com/x', noProxy: ['*.example.com'], bypass: true, why: 'a wildcard suffix' },
      { target: 'https://example.com/x', noProxy: ['*.example.com'], bypass: true, why: 'a wildcard suffix covers the domain itself' },
      { target: 'https://api.example.com/x', noProxy: ['*example.com'], bypass: false, why: 'a star without a dot is a plain name' },
      { target: 'https://api.example.com/x', noProxy: ['api.example.com:443'], bypass: true, why: 'the https default port' },
      { target: 'http://api.example.com/x', noProxy: ['api.example.com:80'], bypass: true, why: 'the http default port' },
      { target: 'http://api.example.com/x', noProxy: ['api.example.com:443'], bypass: false, why: 'another port than http’s default' },
      { target: 'https://api.example.com:8443/x', noProxy: ['api.example.com:443'], bypass: false, why: 'another port' },
      { target: 'https://api.example.com:8443/x', noProxy: ['api.example.com:8443'], bypass: true, why: 'the same explicit port' },
      { target: 'https://api.example.com:8443/x', noProxy: ['.example.com:8443'], bypass: true, why: 'a suffix with a port' },
      { target: 'https://10.0.0.1/x', noProxy: ['10.0.0.1'], bypass: true, why: 'an IPv4 address' },
      { target: 'https://[::1]:8441/x', noProxy: ['::1'], bypass: true, why: 'an IPv6 address without brackets' },
      { target: 'https://[fe80::1]/x', noProxy: ['fe80::1'], bypass: true, why: 'an IPv6 address ending in digits is not a port' },
      { target: 'https://[::1]:8441/x', noProxy: ['[::1]'], bypass: false, why: 'the host is compared without brackets' },
      { target: 'https://api.example.com/x', noProxy: ['api.example.com:443x'], bypass: false, why: 'a port with letters is no port' },
      { target: 'https://a.example.com/x', noProxy: ['a*.example.com'], bypass: false, why: 'a star only counts at the start' },
    ];
    for (const { target, noProxy, bypass, why } of CASES) {
      it(`${bypass ? 'bypasses' : 'proxies'} ${target} with ${JSON.stringify(noProxy)} (${why})`, () => {
        assert.strictEqual(bypassesProxy(new URL(target), noProxy), bypass);
      });
    }
  });

  describe('proxyAuthorization', () => {
    it('is Basic over the decoded user and password of the proxy URL, and absent without them', () => {
      const basic = (s: string): string => `Basic ${Buffer.from(s).toString('base64')}`;
      assert.strictEqual(proxyAuthorization(new URL('http://proxy.example:3128')), undefined);
      assert.strictEqual(proxyAuthorization(new URL('http://bob:s3cret@proxy.example:3128')), basic('bob:s3cret'));
      assert.strictEqual(proxyAuthorization(new URL('http://bob@proxy.example:3128')), basic('bob:'));
      assert.strictEqual(proxyAuthorization(new URL('http://:only-pass@proxy.example:3128')), basic(':only-pass'));
      assert.strictEqual(proxyAuthorization(new URL('http://d%C3%B6e:p%40ss%3Aw@proxy.example')), basic('döe:p@ss:w'));
    });
  });

  describe('openTunnel (CONNECT on a plain socket)', () => {
    /** A TCP server that records what the client wrote until a blank line, then runs `answer` on the socket. */
    async function scriptedProxy(answer: (socket: net.Socket) => void, host = '127.0.0.1'): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
      const requests: string[] = [];
      const sockets = new Set<net.Socket>();
      const server = net.createServer((socket) => {
        sockets.add(socket);
        let got = '';
        socket.on('error', () => undefined);
        socket.on('data', (chunk) => {
          got += chunk.toString('latin1');
          if (got.includes('\r\n\r\n')) {
            requests.push(got);
            got = '';
            answer(socket);
          }
        });
      });
      await new Promise<void>((r) => server.listen(0, host, () => r()));
      const port = (server.address() as AddressInfo).port;
      return {
        url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
        requests,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) {
              s.destroy();
            }
            server.close(() => done());
          }),
      };
    }

    async function failure(p: Promise<net.Socket>): Promise<Error & { code?: string }> {
      try {
        const s = await p;
        s.destroy();
      } catch (e) {
        return e as Error & { code?: string };
      }
      throw new Error('expected the tunnel to fail');
    }

    it('writes exactly the CONNECT request (bracketed IPv6 target, Host, Proxy-Authorization)', async () => {
      const proxy = await scriptedProxy((s) => s.write('HTTP/1.1 200 Connection Established\r\nVia: test\r\n\r\n'));
      try {
        const withAuth = proxy.url.replace('http://', 'http://u%20x:p%40w@');
        const socket = await openTunnel(withAuth, '::1', 8441);
        socket.destroy();
        assert.strictEqual(proxy.requests[0], `CONNECT [::1]:8441 HTTP/1.1\r\nHost: [::1]:8441\r\nProxy-Authorization: Basic ${Buffer.from('u x:p@w').toString('base64')}\r\n\r\n`);

        const plain = await openTunnel(proxy.url, 'api.example.com', 443);
        plain.destroy();
        assert.strictEqual(proxy.requests[1], 'CONNECT api.example.com:443 HTTP/1.1\r\nHost: api.example.com:443\r\n\r\n');

        const bracketed = await openTunnel(proxy.url, '[::1]', 443);
        bracketed.destroy();
        assert.strictEqual(proxy.requests[2], 'CONNECT [::1]:443 HTTP/1.1\r\nHost: [::1]:443\r\n\r\n');
      } finally {
        await proxy.close();
      }
    });

    it('accepts a 200 answer split over several packets, HTTP/1.0 and without a reason phrase', async () => {
      const proxy = await scriptedProxy((s) => {
        s.write('HTTP/1.0 200');
        setTimeout(() => s.write('\r\n\r\n'), 20);
      });
      try {
        const socket = await openTunnel(proxy.url, 'h.example', 443);
        assert.ok(!socket.destroyed);
        socket.destroy();
      } finally {
        await proxy.close();
      }
    });

    it("hands on the bytes the target sent right behind the proxy's 200, in the same packet", async () => {
      const proxy = await scriptedProxy((s) => s.write('HTTP/1.1 200 Connection Established\r\n\r\nfirst bytes of the target'));
      try {
        const socket = await openTunnel(proxy.url, 'h.example', 443);
        const got = await new Promise<string>((resolve) => {
          socket.once('data', (c: Buffer) => resolve(c.toString('latin1')));
          socket.resume();
          setTimeout(() => resolve('(nothing within a second)'), 1000);
        });
        socket.destroy();
        assert.strictEqual(got, 'first bytes of the target');
      } finally {
        await proxy.close();
      }
    });

    it('a refusal names the proxy, the target and the answer (EPROXY)', async () => {
      const proxy = await scriptedProxy((s) => s.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n'));
      try {
        const e = await failure(openTunnel(proxy.url, 'h.example', 443));
        assert.strictEqual(e.message, `the proxy ${new URL(proxy.url).host} refused the tunnel to h.example:443: 407 Proxy Authentication Required`);
        assert.strictEqual(e.code, 'EPROXY');
      } finally {
        await proxy.close();
      }
    });

    it('an answer without a reason phrase, or not HTTP at all, is a refusal too', async () => {
      let answer = 'HTTP/1.1 403\r\n\r\n';
      const proxy = await scriptedProxy((s) => s.end(answer));
      try {
        const host = new URL(proxy.url).host;
        assert.strictEqual((await failure(openTunnel(proxy.url, 'h.example', 443))).message, `the proxy ${host} refused the tunnel to h.example:443: 403`);
        answer = 'SSH-2.0-OpenSSH\r\n\r\n';
        const e = await failure(openTunnel(proxy.url, 'h.example', 443));
        assert.strictEqual(e.message, `the proxy ${host} refused the tunnel to h.example:443: an answer that is not HTTP`);
        assert.strictEqual(e.code, 'EPROXY');
        answer = 'HTTP/2 200\r\n\r\n';
        assert.match((await failure(openTunnel(proxy.url, 'h.example', 443))).message, /refused the tunnel to h\.example:443: an answer that is not HTTP$/);
      } finally {
        await proxy.close();
      }
    });

    it('a proxy that closes, says too much without ending its answer, or stays silent fails with its own code', async () => {
      let mode: 'close' | 'flood' | 'silent' = 'close';
      const proxy = await scriptedProxy((s) => {
        if (mode === 'close') {
          s.end();
        } else if (mode === 'flood') {
          s.write(`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(70 * 1024)}`);
        }
      });
      try {
        const host = new URL(proxy.url).host;
        const closed = await failure(openTunnel(proxy.url, 'h.example', 443));
        assert.deepStrictEqual([closed.message, closed.code], [`the proxy ${host} closed the connection`, 'ECONNRESET']);
        mode = 'flood';
        const flooded = await failure(openTunnel(proxy.url, 'h.example', 443));
        assert.deepStrictEqual([flooded.message, flooded.code], [`the proxy ${host} sent an oversized answer to CONNECT`, 'EPROXY']);
        mode = 'silent';
        const silent = await failure(openTunnel(proxy.url, 'h.example', 443, 150));
        assert.deepStrictEqual([silent.message, silent.code], [`the proxy ${host} did not answer`, 'ETIMEDOUT']);
      } finally {
        await proxy.close();
      }
    });

    it('a proxy on an IPv6 address is reached', async () => {
      const proxy = await scriptedProxy((s) => s.write('HTTP/1.1 200 OK\r\n\r\n'), '::1');
      try {
        const socket = await openTunnel(proxy.url, 'h.example', 443);
        socket.destroy();
        assert.strictEqual(proxy.requests.length, 1);
      } finally {
        await proxy.close();
      }
    });

    it('the status line must open the answer; a blank answer is refused at once; 64 KiB without an end is still waited for', async () => {
      let answer: (s: net.Socket) => void = (s) => s.write('garbage HTTP/1.1 200 OK\r\n\r\n');
      const proxy = await scriptedProxy((s) => answer(s));
      try {
        const host = new URL(proxy.url).host;
        assert.strictEqual((await failure(openTunnel(proxy.url, 'h.example', 443))).message, `the proxy ${host} refused the tunnel to h.example:443: an answer that is not HTTP`);
        answer = (s) => s.write('\r\n\r\n');
        assert.strictEqual((await failure(openTunnel(proxy.url, 'h.example', 443, 5000))).message, `the proxy ${host} refused the tunnel to h.example:443: an answer that is not HTTP`);
        answer = (s) => s.write(`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(64 * 1024 - 'HTTP/1.1 200 OK\r\nX: '.length)}`);
        const waited = await failure(openTunnel(proxy.url, 'h.example', 443, 300));
        assert.deepStrictEqual([waited.message, waited.code], [`the proxy ${host} did not answer`, 'ETIMEDOUT'], 'exactly 64 KiB is not yet too much');
      } finally {
        await proxy.close();
      }
    });

    it('TunnelingAgent hands a refused tunnel to the request as its error', async () => {
      const proxy = await scriptedProxy((s) => s.end('HTTP/1.1 403 Forbidden\r\n\r\n'));
      try {
        const agent = new TunnelingAgent(proxy.url, {});
        const e = await new Promise<Error & { code?: string }>((resolve, reject) => {
          const req = https.get('https://h.example:8443/x', { agent }, () => reject(new Error('expected no answer')));
          req.on('error', resolve);
        });
        assert.deepStrictEqual([e.message, e.code], [`the proxy ${new URL(proxy.url).host} refused the tunnel to h.example:8443: 403 Forbidden`, 'EPROXY']);
        assert.strictEqual(proxy.requests[0], 'CONNECT h.example:8443 HTTP/1.1\r\nHost: h.example:8443\r\n\r\n');
        agent.destroy();
      } finally {
        await proxy.close();
      }
    });

    it('a proxy that cannot be reached fails with the socket error', async () => {
      const probe = net.createServer();
      await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
      const port = (probe.address() as AddressInfo).port;
      await new Promise<void>((r) => probe.close(() => r()));
      const e = await failure(openTunnel(`http://127.0.0.1:${port}`, 'h.example', 443));
      assert.strictEqual(e.code, 'ECONNREFUSED');
    });
  });
});
