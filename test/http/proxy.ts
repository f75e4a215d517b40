// Every call to Salesforce honours HTTP_PROXY, HTTPS_PROXY and NO_PROXY, through a real proxy server.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import { createProxy } from 'proxy';
import { Browser, fullLogin, startStack, startUntrustedTls, text } from '../support/stack.js';

/** A forward proxy on loopback that records what it was asked to reach. */
async function startProxy(t: TestContext) {
    const seen: string[] = [];
    const server = createProxy(http.createServer());
    server.on('request', (req) => seen.push(`${req.method} ${req.url}`));
    server.on('connect', (req) => seen.push(`CONNECT ${req.url}`));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('corporate proxies', () => {
    it('with HTTP_PROXY, the token, identity and REST calls go through the proxy and the login completes', async (t) => {
        const proxy = await startProxy(t);
        const stack = await startStack(t, { env: { HTTP_PROXY: proxy.url, PREFLIGHT: 'off' } });
        const steps = await fullLogin(stack, new Browser());
        assert.equal(steps.result?.status, 200);
        assert.ok(proxy.seen.some((line) => line === `POST ${stack.sim.urls.production}/services/oauth2/token`));
        assert.ok(proxy.seen.some((line) => line.startsWith(`GET ${stack.sim.urls.production}/id/`)));
    });

    it('with NO_PROXY naming the host, the calls go direct', async (t) => {
        const proxy = await startProxy(t);
        const stack = await startStack(t, { env: { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1', PREFLIGHT: 'off' } });
        const steps = await fullLogin(stack, new Browser());
        assert.equal(steps.result?.status, 200);
        assert.deepEqual(proxy.seen, []);
    });

    it('with HTTPS_PROXY, an https login host is reached through a CONNECT tunnel and its certificate is still verified', async (t) => {
        const proxy = await startProxy(t);
        const tls = await startUntrustedTls(t);
        const stack = await startStack(t, {
            env: { HTTPS_PROXY: proxy.url, BASE_SALESFORCE_SANDBOX_URL: tls.url, PREFLIGHT: 'off' },
        });
        const b = new Browser();
        const login = await b.post(`${stack.origin}/login`, { sf_env: 'Sandbox' });
        const state = new URL(login.location!).searchParams.get('state')!;
        const reply = await b.request(`${stack.origin}/callback?code=aPrxabc%3D%3D&state=${state}`);
        assert.equal(reply.status, 502);
        assert.match(text(reply.body), /TLS certificate is not trusted/);
        // The login's warm-up and the code exchange each tunnel to the login host, and nowhere else.
        assert.ok(proxy.seen.length >= 1);
        assert.ok(proxy.seen.every((line) => line === `CONNECT ${new URL(tls.url).host}`));
        assert.equal(tls.reached(), 0, 'no request reached the server behind an untrusted certificate');
    });
});
