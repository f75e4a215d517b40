// Every call to Salesforce honours HTTPS_PROXY; a loopback Salesforce (the simulator) is never reached through
// a proxy, and a proxy's own refusal is reported as the proxy's. (NO_PROXY's matching is a pure function, tested
// in test/unit/proxy.ts: a direct call to a name that is not on this machine has no place in a test.)
import assert from 'node:assert/strict';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import { Browser, fullLogin, startStack, startUntrustedTls, text } from '../support/stack.js';

/**
 * A forward proxy on loopback that records what it was asked to reach and tunnels every CONNECT to the same port
 * on 127.0.0.1, so a host name under `.test` (which never resolves) stands for a remote Salesforce. With
 * `refuse`, it answers each CONNECT with that text instead, as a corporate proxy's block page.
 */
async function startProxy(t: TestContext, refuse?: string) {
    const seen: string[] = [];
    const sockets = new Set<net.Socket>();
    const server = http.createServer((req, res) => {
        seen.push(`${req.method} ${req.url}`);
        res.writeHead(502).end();
    });
    server.on('connection', (socket) => sockets.add(socket));
    server.on('connect', (req, socket, head) => {
        seen.push(`CONNECT ${req.url}`);
        if (refuse !== undefined) {
            const body = Buffer.from(refuse);
            return void socket.end(
                `HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${refuse}`,
            );
        }
        const upstream = net.connect(Number(req.url!.split(':').pop()), '127.0.0.1', () => {
            socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
            upstream.write(head);
            upstream.pipe(socket).pipe(upstream);
        });
        upstream.on('error', () => socket.destroy());
        socket.on('error', () => upstream.destroy());
        sockets.add(upstream);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => {
        server.close();
        for (const s of sockets) s.destroy();
    });
    return { url: `http://user:hunter2@127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('corporate proxies', () => {
    it('with HTTP_PROXY and HTTPS_PROXY set, a loopback Salesforce is reached directly: no secret crosses the proxy', async (t) => {
        const proxy = await startProxy(t);
        const stack = await startStack(t, { env: { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, PREFLIGHT: 'off' } });
        const steps = await fullLogin(stack, new Browser());
        assert.equal(steps.result?.status, 200);
        assert.deepEqual(proxy.seen, []);
    });

    it('with HTTPS_PROXY, a remote login host is reached through a CONNECT tunnel and its certificate is still verified', async (t) => {
        const proxy = await startProxy(t);
        const tls = await startUntrustedTls(t);
        const remote = `https://login.sandbox.test:${new URL(tls.url).port}`;
        const stack = await startStack(t, {
            env: { HTTPS_PROXY: proxy.url, BASE_SALESFORCE_SANDBOX_URL: remote, PREFLIGHT: 'off' },
        });
        const b = new Browser();
        const login = await b.post(`${stack.origin}/login`, { sf_env: 'Sandbox' });
        const state = new URL(login.location!).searchParams.get('state')!;
        const reply = await b.request(`${stack.origin}/callback?code=aPrxabc%3D%3D&state=${state}`);
        assert.equal(reply.status, 502);
        assert.match(text(reply.body), /TLS certificate is not trusted/);
        // The login's warm-up and the code exchange each tunnel to the login host, and nowhere else.
        assert.ok(proxy.seen.length >= 1);
        assert.ok(proxy.seen.every((line) => line === `CONNECT ${new URL(remote).host}`));
        assert.equal(tls.reached(), 0, 'no request reached the server behind an untrusted certificate');
    });

    it("a proxy that refuses the tunnel is named on the page, and its own answer is never shown as Salesforce's", async (t) => {
        const proxy = await startProxy(t, 'Access blocked by policy. Call 1-555-0100 and tell them the code.');
        const stack = await startStack(t, {
            env: {
                HTTPS_PROXY: proxy.url,
                BASE_SALESFORCE_SANDBOX_URL: 'https://login.sandbox.test:443',
                PREFLIGHT: 'off',
            },
        });
        const b = new Browser();
        const login = await b.post(`${stack.origin}/login`, { sf_env: 'Sandbox' });
        const state = new URL(login.location!).searchParams.get('state')!;
        const reply = await b.request(`${stack.origin}/callback?code=aPrxabc%3D%3D&state=${state}`);
        assert.equal(reply.status, 502);
        const page = text(reply.body);
        const proxyOrigin = new URL(proxy.url).origin;
        assert.ok(
            page.includes(`The proxy ${proxyOrigin} (HTTPS_PROXY) refused to open a tunnel to login.sandbox.test`),
        );
        assert.match(page, /HTTP 403/);
        assert.doesNotMatch(page, /1-555-0100|Access blocked/);
        assert.doesNotMatch(page, /hunter2/, 'the proxy password is never shown');
    });
});
