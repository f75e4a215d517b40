// Connections to the login host open while the person is on Salesforce's login page, so the callback's
// calls start at once; a host that cannot be warmed changes nothing for the person.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Browser, decide, loginRequestId, startStack, type Stack } from '../support/stack.js';

/** Waits, a few milliseconds at a time and for one second at most, until `ready` holds. */
async function until(ready: () => boolean): Promise<void> {
    for (let i = 0; i < 100 && !ready(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.ok(ready(), 'the condition held within a second');
}

async function loginPage(stack: Stack, browser: Browser) {
    const login = await browser.post(`${stack.origin}/login`, { sf_env: 'Production' });
    assert.equal(login.status, 302);
    const authorizeUrl = new URL(login.location!);
    const page = await browser.request(authorizeUrl.href);
    return { authorizeUrl, request: loginRequestId(page.body) };
}

describe('warm connections', () => {
    it('POST /login opens connections to the login host, and the callback uses them: no new connection', async (t) => {
        const stack = await startStack(t, { env: { PREFLIGHT: 'off' } });
        const b = new Browser();
        const { authorizeUrl, request } = await loginPage(stack, b);
        const callback = await decide(b, authorizeUrl, request);
        // The browser's own visits to the simulated login page count as connections too; wait for the warm ones.
        await until(() => stack.sim.stats.connections.production >= 3);
        const before = stack.sim.stats.connections.production;
        const reply = await b.request(callback);
        assert.equal(reply.status, 303);
        assert.equal(stack.sim.stats.codeExchanges, 1);
        // The result page waits for identity, and status.json for introspection: both calls are over.
        assert.equal((await b.request(new URL(reply.location!, stack.origin).href)).status, 200);
        assert.equal((await b.request(new URL(`${reply.location!}/status.json`, stack.origin).href)).status, 200);
        assert.equal(stack.sim.stats.identityRequests, 1);
        assert.equal(stack.sim.stats.connections.production, before, 'token, identity and introspection reused them');
    });

    it('a login host that refuses connections changes nothing for POST /login', async (t) => {
        const closed = await startStack(t);
        await closed.close();
        const stack = await startStack(t, { env: { BASE_SALESFORCE_SANDBOX_URL: closed.sim.urls.sandbox } });
        const reply = await new Browser().post(`${stack.origin}/login`, { sf_env: 'Sandbox' });
        assert.equal(reply.status, 302);
        assert.ok(reply.location!.startsWith(`${closed.sim.urls.sandbox}/services/oauth2/authorize?`));
    });

    it('a login host that never answers while the person starts changes nothing: the login then completes', async (t) => {
        const stack = await startStack(t, { env: { PREFLIGHT_TIMEOUT_MS: '100' }, sim: { silent: true } });
        const b = new Browser();
        const login = await b.post(`${stack.origin}/login`, { sf_env: 'Production' });
        assert.equal(login.status, 302);
        // The host comes back while the warm-up's requests still hang on the connections it accepted.
        stack.sim.settings.silent = false;
        const authorizeUrl = new URL(login.location!);
        const page = await b.request(authorizeUrl.href);
        const callback = await decide(b, authorizeUrl, loginRequestId(page.body), 'allow', 'ada@example.com');
        const reply = await b.request(callback);
        assert.equal(reply.status, 303);
        const result = await b.request(new URL(reply.location!, stack.origin).href);
        assert.match(result.body, /ada@example\.com/);
        assert.equal(stack.sim.stats.codeExchanges, 1);
    });
});
