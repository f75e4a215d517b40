// The core login flow, and each of the tutorial's flaws that sf-oauth-auth fixes: realm, state, PKCE,
// statuses, start-up, host check and token custody, numbered (1) to (7) in the test names.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { codeChallenge } from '../../src/crypto.js';
import {
    accessTokenOf,
    assertSafeHeaders,
    Browser,
    decide,
    fullLogin,
    rawRequest,
    SECRET,
    startLogin,
    startStack,
    text,
    type Stack,
} from '../support/stack.js';

describe('login flow', () => {
    let stack: Stack;
    before(async () => {
        stack = await startStack();
    });
    after(() => stack.close());

    it('GET / shows the tutorial form with Production, Sandbox and Dev and the callback URL to register', async () => {
        const page = await new Browser().request(`${stack.origin}/`);
        assert.equal(page.status, 200);
        assertSafeHeaders(page);
        assert.match(page.body, /<select id="sf_env" name="sf_env"/);
        for (const v of ['Production', 'Sandbox', 'Dev', 'Custom'])
            assert.match(page.body, new RegExp(`<option value="${v}"( selected)?>`));
        assert.match(page.body, new RegExp(`${stack.origin}/callback`));
    });

    it('a Production login ends on a result page with the token the simulator minted for that code', async () => {
        const steps = await fullLogin(stack, new Browser());
        assert.equal(steps.callback.status, 303);
        assert.match(steps.callback.location!, /\/result\/[A-Za-z0-9_-]{43}$/);
        assert.equal(steps.result!.status, 200);
        assertSafeHeaders(steps.result!);
        assert.match(steps.result!.body, /You have successfully logged in!/);
        assert.equal(accessTokenOf(steps.result!.body), stack.sim.stats.tokenForCode.get(steps.code!));
        assert.equal(stack.sim.stats.lastTokenRealm, 'production');
    });

    it('(1) a Sandbox login redeems its code at the sandbox host, where it was issued', async () => {
        const before = stack.sim.stats.codeExchanges;
        const steps = await fullLogin(stack, new Browser(), { sf_env: 'Sandbox' });
        assert.equal(steps.authorizeUrl.origin, stack.sim.urls.sandbox);
        assert.equal(stack.sim.stats.lastTokenRealm, 'sandbox');
        assert.equal(stack.sim.stats.codeExchanges, before + 1);
        assert.equal(steps.result!.status, 200);
        assert.match(text(steps.result!.body), /Org Sandbox/);
    });

    it('(1) the simulator refuses a sandbox code at the production host, as Salesforce does', async () => {
        const b = new Browser();
        const { authorizeUrl, request } = await startLogin(stack, b, { sf_env: 'Sandbox' });
        const callback = new URL(await decide(b, authorizeUrl, request));
        const reply = await b.request(`${stack.sim.urls.production}/services/oauth2/token`, {
            form: {
                grant_type: 'authorization_code',
                code: callback.searchParams.get('code')!,
                client_id: stack.config.clientId,
                client_secret: SECRET,
                redirect_uri: stack.config.callbackUrl,
            },
        });
        assert.equal(reply.status, 400);
        assert.deepEqual(JSON.parse(reply.body), {
            error: 'invalid_grant',
            error_description: 'authentication failure',
        });
    });

    it('Dev logs in at the production host (a Developer Edition org is a production org)', async () => {
        const steps = await fullLogin(stack, new Browser(), { sf_env: 'Dev' });
        assert.equal(steps.authorizeUrl.origin, stack.sim.urls.production);
        assert.match(text(steps.result!.body), /Developer Edition/);
    });

    it('(2, 3) POST /login redirects with a fresh 43-character state and an S256 challenge, and sets an HttpOnly Lax cookie', async () => {
        const b = new Browser();
        const one = await b.post(`${stack.origin}/login`, { sf_env: 'Production' });
        const two = await b.post(`${stack.origin}/login`, { sf_env: 'Production' });
        const [u1, u2] = [new URL(one.location!), new URL(two.location!)];
        assert.equal(`${u1.origin}${u1.pathname}`, `${stack.sim.urls.production}/services/oauth2/authorize`);
        assert.deepEqual([...u1.searchParams.keys()].sort(), [
            'client_id',
            'code_challenge',
            'code_challenge_method',
            'nonce',
            'redirect_uri',
            'response_type',
            'state',
        ]);
        assert.equal(u1.searchParams.get('response_type'), 'code');
        assert.equal(u1.searchParams.get('redirect_uri'), stack.config.callbackUrl);
        assert.match(u1.searchParams.get('state')!, /^[A-Za-z0-9_-]{43}$/);
        assert.match(u1.searchParams.get('code_challenge')!, /^[A-Za-z0-9_-]{43}$/);
        assert.equal(u1.searchParams.get('code_challenge_method'), 'S256');
        assert.notEqual(u1.searchParams.get('state'), u2.searchParams.get('state'));
        assert.notEqual(u1.searchParams.get('code_challenge'), u2.searchParams.get('code_challenge'));
        assert.doesNotMatch(one.location!, new RegExp(SECRET));
        const cookie = one.headers.getSetCookie()[0]!;
        assert.match(cookie, new RegExp(`^sf_oauth_auth_${stack.port}=[A-Za-z0-9_-]{43};`));
        assert.match(cookie, /HttpOnly/);
        assert.match(cookie, /SameSite=Lax/);
        assert.match(cookie, /Path=\//);
        assert.doesNotMatch(cookie, /Secure/);
    });

    it('(3) the token request carries a verifier whose S256 matches the challenge, and the verifier reaches no page or cookie', async () => {
        const b = new Browser();
        const { authorizeUrl, request } = await startLogin(stack, b);
        const challenge = authorizeUrl.searchParams.get('code_challenge')!;
        const callbackUrl = await decide(b, authorizeUrl, request);
        const callback = await b.request(callbackUrl);
        // The simulator checks S256(verifier) == challenge and answers invalid_grant otherwise.
        assert.equal(callback.status, 303);
        assert.equal(stack.sim.stats.lastTokenForm?.code_verifier, 'present');
        const cookies = await b.jar.getCookieString(stack.origin);
        const page = await b.request(callback.location!);
        for (const seen of [cookies, page.body, callback.location!, authorizeUrl.href]) {
            for (const candidate of seen.match(/[A-Za-z0-9_-]{43}/g) ?? []) {
                assert.notEqual(codeChallenge(candidate), challenge, 'a value the browser saw is the verifier');
            }
        }
    });

    it('(2) a callback without state is refused with 400 and no token request', async () => {
        const b = new Browser();
        const { authorizeUrl, request } = await startLogin(stack, b);
        const callback = new URL(await decide(b, authorizeUrl, request));
        callback.searchParams.delete('state');
        const before = stack.sim.stats.tokenRequests;
        const reply = await b.request(callback.href);
        assert.equal(reply.status, 400);
        assertSafeHeaders(reply);
        assert.match(text(reply.body), /no state/);
        assert.equal(stack.sim.stats.tokenRequests, before);
    });

    it('(2) a callback whose state is duplicated is refused with 400, even when both copies are the right state', async () => {
        const b = new Browser();
        const { authorizeUrl, request } = await startLogin(stack, b);
        const callback = new URL(await decide(b, authorizeUrl, request));
        callback.searchParams.append('state', callback.searchParams.get('state')!);
        const before = stack.sim.stats.tokenRequests;
        const reply = await b.request(callback.href);
        assert.equal(reply.status, 400);
        assert.match(text(reply.body), /repeated or malformed/);
        assert.equal(stack.sim.stats.tokenRequests, before);
    });

    it("(2) a callback with another browser's state is refused with 400 and no token request", async () => {
        const victim = new Browser();
        await victim.post(`${stack.origin}/login`, { sf_env: 'Production' });
        const attacker = new Browser();
        const { authorizeUrl, request } = await startLogin(stack, attacker);
        const attackerCallback = await decide(attacker, authorizeUrl, request);
        const before = stack.sim.stats.tokenRequests;
        const reply = await victim.request(attackerCallback);
        assert.equal(reply.status, 400);
        assert.match(text(reply.body), /does not match any login started in this browser/);
        assert.equal(stack.sim.stats.tokenRequests, before);
    });

    it('(2) a callback in a browser with no login cookie says no login is in progress there', async () => {
        const b = new Browser();
        const { authorizeUrl, request } = await startLogin(stack, b);
        const callback = await decide(b, authorizeUrl, request);
        const reply = await new Browser().request(callback);
        assert.equal(reply.status, 400);
        assert.match(text(reply.body), /No login is in progress in this browser/);
    });

    it('(2, 7) a replayed callback is refused with 400 "already used", and the code is exchanged once', async () => {
        const b = new Browser();
        const steps = await fullLogin(stack, b);
        assert.equal(steps.callback.status, 303);
        const before = stack.sim.stats.tokenRequests;
        const again = await b.request(steps.callbackUrl);
        assert.equal(again.status, 400);
        assert.match(text(again.body), /already used/);
        assert.equal(stack.sim.stats.tokenRequests, before);
    });

    it('(7) the result page is reachable only from the browser that logged in', async () => {
        const steps = await fullLogin(stack, new Browser());
        const other = await new Browser().request(steps.resultUrl!);
        assert.equal(other.status, 404);
        assert.equal(accessTokenOf(other.body), undefined);
    });

    it('(6) opening http://127.0.0.1:PORT/ redirects to the APP_URL origin, and a login started there completes', async () => {
        const b = new Browser();
        const first = await b.request(`http://127.0.0.1:${stack.port}/`);
        assert.equal(first.status, 302);
        assert.equal(first.location, `${stack.origin}/`);
        const steps = await fullLogin(stack, b);
        assert.equal(steps.result?.status, 200);
    });

    for (const path of ['//evil.example/', '/\\evil.example/', '///evil.example/x?y=1', '/%2F%2Fevil.example/']) {
        it(`(6) another loopback name with the path ${path} redirects to that path on the APP_URL origin, never off it`, async () => {
            const reply = await rawRequest(stack.port, { path, headers: { host: `127.0.0.1:${stack.port}` } });
            assert.equal(reply.status, 302);
            assert.equal(new URL(reply.location!).origin, stack.origin);
            assert.ok(reply.location!.startsWith(`${stack.origin}/`), reply.location);
        });
    }

    it('(6) the 421 page of the host check carries the security headers', async () => {
        const reply = await rawRequest(stack.port, { path: '/', headers: { host: `attacker.example:${stack.port}` } });
        assert.equal(reply.status, 421);
        assertSafeHeaders(reply);
    });

    it('(6) a request whose Host is not a loopback name is refused with 421 on every route', async () => {
        for (const path of ['/', '/callback?code=x&state=y', '/result/x', '/static/style.css']) {
            const reply = await rawRequest(stack.port, { path, headers: { host: `attacker.example:${stack.port}` } });
            assert.equal(reply.status, 421, path);
            assert.match(text(reply.body), /only on localhost and 127\.0\.0\.1/);
        }
        const post = await rawRequest(stack.port, {
            method: 'POST',
            path: '/login',
            headers: { host: 'attacker.example', 'content-type': 'application/x-www-form-urlencoded' },
            body: 'sf_env=Production',
        });
        assert.equal(post.status, 421);
    });

    it('(6) a callback arriving on 127.0.0.1 while the app lives on localhost is refused with a pointer to the right address', async () => {
        const reply = await rawRequest(stack.port, {
            path: '/callback?code=abc&state=def',
            headers: { host: `127.0.0.1:${stack.port}` },
        });
        assert.equal(reply.status, 400);
        assert.match(text(reply.body), new RegExp(`Open the app at ${stack.origin}`));
    });

    it('(4) an unknown sf_env gets a 400 page that names the choices, with no redirect and no cookie', async () => {
        const reply = await new Browser().post(`${stack.origin}/login`, { sf_env: 'Prod2' });
        assert.equal(reply.status, 400);
        assertSafeHeaders(reply);
        assert.match(text(reply.body), /Unknown environment "Prod2": choose Production, Sandbox, Dev or Custom/);
        assert.equal(reply.headers.getSetCookie().length, 0);
    });

    it('(4) a callback with state but no code and no error is refused with 400 "missing code"', async () => {
        const b = new Browser();
        const { authorizeUrl, request } = await startLogin(stack, b);
        const callback = new URL(await decide(b, authorizeUrl, request));
        callback.searchParams.delete('code');
        const reply = await b.request(callback.href);
        assert.equal(reply.status, 400);
        assert.match(text(reply.body), /neither a code nor an error/);
    });

    it("(4) a denied consent shows Salesforce's access_denied and its description with a 400", async () => {
        const b = new Browser();
        const { authorizeUrl, request } = await startLogin(stack, b);
        const callback = await decide(b, authorizeUrl, request, 'deny');
        const reply = await b.request(callback);
        assert.equal(reply.status, 400);
        assertSafeHeaders(reply);
        assert.match(text(reply.body), /access_denied/);
        assert.match(text(reply.body), /end-user denied authorization/);
    });

    it('(7) request logs show paths only: no query string, code, state or token', async () => {
        const steps = await fullLogin(stack, new Browser());
        const state = steps.authorizeUrl.searchParams.get('state')!;
        const token = accessTokenOf(steps.result!.body)!;
        const logs = stack.logs.join('\n');
        assert.match(logs, /GET \/callback 200/);
        assert.match(logs, /POST \/callback\/tab 303/);
        for (const secret of [steps.code!, encodeURIComponent(steps.code!), state, token, SECRET, '?code=']) {
            assert.ok(!logs.includes(secret), `the log contains ${secret.slice(0, 12)}`);
        }
    });

    it('each response says in Server-Timing how long the app worked and how long it waited for Salesforce', async () => {
        const steps = await fullLogin(stack, new Browser());
        const timing = /^app;dur=([\d.]+), salesforce;dur=([\d.]+)$/.exec(
            steps.callback.headers.get('server-timing') ?? '',
        );
        assert.ok(timing, 'the callback has a Server-Timing header');
        assert.ok(Number(timing[2]) > 0, 'the callback waited for the token endpoint');
        // The result page's wait, if any, is for the identity call the callback started.
        assert.match(steps.result!.headers.get('server-timing') ?? '', /^app;dur=[\d.]+, salesforce;dur=[\d.]+$/);
        assert.match(stack.logs.join('\n'), /POST \/callback\/tab 303 [\d.]+ms \(salesforce [\d.]+ms\)/);
    });

    it('GET /login is answered 405 with a pointer to the form', async () => {
        const reply = await new Browser().request(`${stack.origin}/login`);
        assert.equal(reply.status, 405);
        assert.match(text(reply.body), /Start a login from the form/);
    });
});

describe('login flow past the login lifetime', () => {
    it('(2) a callback after the login expired is refused with 400 "expired" and no token request', async (t) => {
        let now = Date.now();
        const stack = await startStack(t, { now: () => now });
        const b = new Browser();
        const { authorizeUrl, request } = await startLogin(stack, b);
        const callback = await decide(b, authorizeUrl, request);
        now += 15 * 60_000;
        const before = stack.sim.stats.tokenRequests;
        const reply = await b.request(callback);
        assert.equal(reply.status, 400);
        assert.match(text(reply.body), /This login expired: more than 15 minutes passed since it started/);
        assert.equal(stack.sim.stats.tokenRequests, before);
    });

    it('(2) a callback one millisecond before the login expires still completes', async (t) => {
        let now = Date.now();
        const stack = await startStack(t, { now: () => now });
        const b = new Browser();
        const { authorizeUrl, request } = await startLogin(stack, b);
        const callback = await decide(b, authorizeUrl, request);
        now += 15 * 60_000 - 1;
        const reply = await b.request(callback);
        assert.equal(reply.status, 303);
    });

    it('the expiry message states the configured lifetime, not a fixed one', async (t) => {
        let now = Date.now();
        const stack = await startStack(t, { now: () => now, limits: { pendingTtlMs: 2 * 60_000 } });
        const b = new Browser();
        const { authorizeUrl, request } = await startLogin(stack, b);
        const callback = await decide(b, authorizeUrl, request);
        now += 2 * 60_000;
        const reply = await b.request(callback);
        assert.match(text(reply.body), /more than 2 minutes passed/);
    });
});

describe('signature and client type', () => {
    it('with CLIENT_SECRET, the signature is verified and the page says so', async (t) => {
        const stack = await startStack(t);
        const steps = await fullLogin(stack, new Browser());
        assert.match(text(steps.result!.body), /Signature Verified with CLIENT_SECRET/);
        assert.equal(stack.sim.stats.lastTokenForm?.client_secret, 'present');
    });

    it('with a wrong signature, the answer is a 502 that says the signature could not be verified, and no token is shown', async (t) => {
        const stack = await startStack(t, { sim: { tokenFault: 'bad_signature' } });
        const steps = await fullLogin(stack, new Browser());
        assert.equal(steps.callback.status, 502);
        assert.match(text(steps.callback.body), /signature .* could not be verified/);
        assert.equal(accessTokenOf(steps.callback.body), undefined);
        assert.doesNotMatch(steps.callback.body, /00D5g000004SimA!AR/);
    });

    it('without CLIENT_SECRET, the app is a public client: it sends no secret and says the signature was not verified', async (t) => {
        const stack = await startStack(t, { publicClient: true });
        const steps = await fullLogin(stack, new Browser());
        assert.equal(steps.result?.status, 200);
        assert.equal(stack.sim.stats.lastTokenForm?.client_secret, undefined);
        assert.match(text(steps.result!.body), /Not verified: no CLIENT_SECRET/);
    });
});
