// Errors that Salesforce shows on its own page and never sends back (a wrong Consumer Key, an unregistered
// callback URL, a scope the app does not allow): POST /login asks the authorize endpoint first and explains
// them at once, and never blocks a login on a doubt.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readAuthorizeReply } from '../../src/salesforce/authorize-page.js';
import { assertSafeHeaders, Browser, fullLogin, startStack, text } from '../support/stack.js';

describe('asking Salesforce before sending the person there', () => {
    it('a Consumer Key Salesforce does not know is explained on POST /login, with no redirect', async (t) => {
        const stack = await startStack(t, { sim: { clientId: 'another-app' } });
        const reply = await new Browser().post(`${stack.origin}/login`, { sf_env: 'Production' });
        assert.equal(reply.status, 400);
        assert.equal(reply.location, undefined);
        assertSafeHeaders(reply);
        const page = text(reply.body);
        assert.match(page, /Salesforce would stop this login on its own page/);
        assert.match(page, /error invalid_client_id/);
        assert.match(page, /Consumer Key .* into CLIENT_ID/);
    });

    it('a callback URL that is not registered names the exact URL to register', async (t) => {
        const stack = await startStack(t);
        stack.sim.settings.callbackUrls = ['http://localhost:1/callback'];
        const reply = await new Browser().post(`${stack.origin}/login`, { sf_env: 'Sandbox' });
        assert.equal(reply.status, 400);
        const page = text(reply.body);
        assert.match(page, /error redirect_uri_mismatch/);
        assert.match(page, /redirect_uri must match configuration/);
        assert.ok(page.includes(`set Callback URL to exactly ${stack.config.callbackUrl}`));
    });

    it('a scope the app does not allow, answered with a 302 to RemoteAccessErrorPage, is explained and sends no one there', async (t) => {
        const stack = await startStack(t);
        const reply = await new Browser().post(`${stack.origin}/login`, {
            sf_env: 'Production',
            scope: 'api chatter_api',
        });
        assert.equal(reply.status, 400);
        assert.equal(reply.location, undefined);
        assert.match(text(reply.body), /error invalid_scope .*the requested scope is not allowed/);
        assert.match(text(reply.body), /Selected OAuth Scopes/);
    });

    it('a refused verdict for scope "api login" with prompt "consent" is not reused for scope "api" with prompt "login consent"', async (t) => {
        const stack = await startStack(t);
        const browser = new Browser();
        const refused = await browser.post(`${stack.origin}/login`, {
            sf_env: 'Production',
            scope: 'api login',
            prompt: 'consent',
        });
        assert.equal(refused.status, 400);
        assert.match(text(refused.body), /invalid_scope/);
        const valid = await browser.post(`${stack.origin}/login`, {
            sf_env: 'Production',
            scope: 'api',
            prompt: 'login consent',
        });
        assert.equal(valid.status, 302, text(valid.body).slice(0, 200));
        assert.equal(new URL(valid.location!).searchParams.get('prompt'), 'login consent');
    });

    it('a burst of logins asks Salesforce once, and the wait shows in Server-Timing', async (t) => {
        const stack = await startStack(t);
        stack.sim.settings.callbackUrls = ['http://localhost:1/callback'];
        const replies = await Promise.all(
            Array.from({ length: 20 }, () => new Browser().post(`${stack.origin}/login`, { sf_env: 'Sandbox' })),
        );
        assert.ok(replies.every((r) => r.status === 400));
        assert.equal(stack.sim.stats.authorizeRequests, 1);
        assert.match(replies[0]!.headers.get('server-timing') ?? '', /salesforce;dur=\d/);
    });

    it('when the authorize endpoint does not answer in time, the person is sent on as usual', async (t) => {
        const stack = await startStack(t, { env: { PREFLIGHT_TIMEOUT_MS: '100' }, sim: { authorizeHang: true } });
        const reply = await new Browser().post(`${stack.origin}/login`, { sf_env: 'Production' });
        assert.equal(reply.status, 302);
        assert.ok(reply.location!.startsWith(`${stack.sim.urls.production}/services/oauth2/authorize?`));
    });

    it('with PREFLIGHT=off nothing is asked ahead and the login goes to Salesforce as before', async (t) => {
        const stack = await startStack(t, { env: { PREFLIGHT: 'off' } });
        stack.sim.settings.callbackUrls = ['http://localhost:1/callback'];
        const reply = await new Browser().post(`${stack.origin}/login`, { sf_env: 'Production' });
        assert.equal(reply.status, 302);
        assert.equal(stack.sim.stats.authorizeRequests, 0);
    });

    it('a login that Salesforce accepts completes, with the verdict asked while the first page was shown', async (t) => {
        const stack = await startStack(t);
        const b = new Browser();
        await b.request(`${stack.origin}/`);
        const steps = await fullLogin(stack, b);
        assert.equal(steps.result?.status, 200);
        // GET / asked for production and sandbox; POST /login reused the answer; the browser asked once.
        assert.equal(stack.sim.stats.authorizeRequests, 3);
    });
});

describe('Paste what Salesforce showed you', () => {
    const pastes: Array<[string, string, RegExp]> = [
        [
            'the plain-text page',
            'error=redirect_uri_mismatch&error_description=redirect_uri%20must%20match%20configuration',
            /error redirect_uri_mismatch .*redirect_uri must match configuration/,
        ],
        [
            'a whole callback address',
            'http://localhost:7777/callback?error=access_denied&error_description=end-user+denied+authorization&state=x',
            /error access_denied .*end-user denied authorization/,
        ],
        [
            'the HTML of the generic approval-error page',
            '<p>OAUTH_APPROVAL_ERROR_GENERIC : An unexpected error</p><p>error=invalid_client&amp;error_description=app+must+be+installed+into+org</p>',
            /error invalid_client .*app must be installed into org/,
        ],
        ['the External Client App page', 'OAUTH_EC_APP_NOT_FOUND', /error OAUTH_EC_APP_NOT_FOUND/],
    ];
    for (const [what, pasted, expected] of pastes) {
        it(`${what} is decoded into the error, its cause and its fix`, async (t) => {
            const stack = await startStack(t);
            const reply = await new Browser().post(`${stack.origin}/explain`, { pasted });
            assert.equal(reply.status, 200);
            assert.match(text(reply.body), expected);
            assert.match(text(reply.body), /Likely cause/);
        });
    }

    it('a whole saved error page of about 40 KB, its error near the end, is explained', async (t) => {
        const stack = await startStack(t);
        const filler = '<div class="x">'.padEnd(60, ' ') + '</div>\n';
        const pasted = `<html><head><style>${filler.repeat(650)}</style></head><body><p>OAUTH_APPROVAL_ERROR_GENERIC</p><p>error=invalid_scope&amp;error_description=the+requested+scope+is+not+allowed</p></body></html>`;
        assert.ok(pasted.length > 38_000 && pasted.length < 60_000);
        const reply = await new Browser().post(`${stack.origin}/explain`, { pasted });
        assert.equal(reply.status, 200);
        assert.match(text(reply.body), /error invalid_scope .*the requested scope is not allowed/);
    });

    it('a paste over 64 KB gets a 413 page, and the login form keeps its 4 KB limit', async (t) => {
        const stack = await startStack(t);
        const big = await new Browser().post(`${stack.origin}/explain`, { pasted: 'x'.repeat(70_000) });
        assert.equal(big.status, 413);
        const login = await new Browser().post(`${stack.origin}/login`, {
            sf_env: 'Production',
            login_hint: 'a'.repeat(5000),
        });
        assert.equal(login.status, 413);
    });

    it('text without a Salesforce error gets a 400 that says what to paste', async (t) => {
        const stack = await startStack(t);
        const reply = await new Browser().post(`${stack.origin}/explain`, { pasted: 'hello' });
        assert.equal(reply.status, 400);
        assert.match(text(reply.body), /No Salesforce error was found/);
    });
});

describe("reading the authorize endpoint's answer asked ahead", () => {
    const callbackUrl = 'http://localhost:7777/callback';
    const redirect = (location: string) => ({ status: 302, contentType: 'text/html', body: '', location });
    const cases: Array<[string, ReturnType<typeof redirect>, string | undefined]> = [
        [
            'a 302 to a My Domain RemoteAccessErrorPage with invalid_scope',
            redirect(
                'https://acme.my.salesforce.com/setup/secur/RemoteAccessErrorPage.apexp?error=invalid_scope&error_description=the+requested+scope+is+not+allowed',
            ),
            'invalid_scope',
        ],
        [
            'a 302 to the error page on a login host, for an app not installed in the org',
            redirect(
                'https://login.salesforce.com/setup/secur/RemoteAccessErrorPage.apexp?error=invalid_client&error_description=app+must+be+installed+into+org',
            ),
            'invalid_client',
        ],
        [
            'a 302 to the error page with no error in its address',
            redirect('https://acme.my.salesforce.com/setup/secur/RemoteAccessErrorPage.apexp'),
            'OAUTH_APPROVAL_ERROR_GENERIC',
        ],
        [
            'a 302 back to the callback with an error',
            redirect(`${callbackUrl}?error=unsupported_response_type&error_description=x&state=s`),
            'unsupported_response_type',
        ],
        ['a 302 to the login page', redirect('https://login.salesforce.com/?ec=302&startURL=%2Fsetup'), undefined],
        ['a 302 to a relative login page', redirect('/?ec=302'), undefined],
        ['a 302 back to the callback with a code', redirect(`${callbackUrl}?code=aPrx1&state=s`), undefined],
        [
            'a 302 with no Location',
            { status: 302, contentType: '', body: '', location: undefined as unknown as string },
            undefined,
        ],
    ];
    for (const [what, reply, error] of cases) {
        it(`${what}: ${error ?? 'go on'}`, () => {
            assert.equal(readAuthorizeReply(reply, callbackUrl)?.error, error);
        });
    }

    it('the description comes from the address, decoded', () => {
        const found = readAuthorizeReply(cases[0]![1], callbackUrl);
        assert.deepEqual(found, {
            error: 'invalid_scope',
            description: 'the requested scope is not allowed',
            httpStatus: 302,
        });
    });
});
