// Errors that explain themselves: every row of the fix table, reached through the simulator
// the way Salesforce would deliver that error, shows Salesforce's code and description and the fix.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { explain, FIXES } from '../../src/fixes.js';
import { DEMO_OUTCOMES } from '../../src/simulator/index.js';
import {
    assertSafeHeaders,
    Browser,
    fullLogin,
    loggedIn,
    startLogin,
    startStack,
    text,
    type Stack,
} from '../support/stack.js';

type Via = 'callback' | 'token' | 'refresh' | 'paste' | 'client_credentials' | 'jwt_bearer';
// [how Salesforce delivers it, error, error_description, something the fix must say]
const SAMPLES: Array<[Via, string, string, RegExp]> = [
    [
        'token',
        'redirect_uri_mismatch',
        'redirect_uri must match configuration',
        /set Callback URL to exactly http:\/\/localhost:\d+\/callback/,
    ],
    ['token', 'invalid_client_id', 'client identifier invalid', /Consumer Key .* into CLIENT_ID/],
    [
        'callback',
        'invalid_client',
        'app must be installed into org',
        /Connected Apps OAuth Usage → find the app → Install/,
    ],
    ['token', 'invalid_client', 'invalid client credentials', /Consumer Secret .* into CLIENT_SECRET/],
    ['token', 'invalid_grant', 'expired authorization code', /within 15 minutes/],
    ['refresh', 'invalid_grant', 'expired authorization code', /one refresh at a time for each refresh token/],
    ['token', 'invalid_grant', 'inactive user', /activate \(or unfreeze\) the user, then log in again/],
    ['token', 'invalid_grant', 'activation secret invalid', /newest code Salesforce sends/],
    ['token', 'invalid_grant', 'invalid user credentials', /username-password flow/],
    ['token', 'invalid_grant', '', /refused the grant without saying why/],
    [
        'token',
        'invalid_grant',
        'authentication failure',
        /Sandbox for a sandbox or a scratch org \(test\.salesforce\.com\)/,
    ],
    ['token', 'invalid_grant', 'invalid code verifier', /each login has its own verifier/],
    ['token', 'invalid_grant', 'expired access/refresh token', /Refresh Token Policy/],
    ['token', 'invalid_grant', 'IP restricted or invalid login hours', /Login IP Ranges and Login Hours/],
    ['token', 'invalid_grant', "user hasn't approved this consumer", /Admin approved users are pre-authorized/],
    ['token', 'invalid_grant', 'something new', /Start the login again/],
    ['token', 'invalid_grant', 'token request is already being processed', /one refresh at a time/],
    ['token', 'app_not_found', 'External client app is not installed in this org', /install the app in this org/],
    ['callback', 'invalid_request', 'missing required code challenge', /always sends an S256 code_challenge/],
    ['callback', 'invalid_request', 'must use HTTP GET', /start with https:\/\//],
    [
        'callback',
        'OAUTH_APP_ACCESS_DENIED',
        'user is not admin approved to access this app',
        /Manage Profiles .* "Service API User"/,
    ],
    ['token', 'invalid_app_access', 'user is not admin approved to access this app', /Manage Profiles/],
    ['callback', 'OAUTH_APP_BLOCKED', 'this app is blocked by admin', /Unblock/],
    ['callback', 'OAUTH_EC_APP_NOT_FOUND', 'External client app not found', /External Client App's consumer key/],
    ['callback', 'invalid_scope', 'the requested scope is not allowed', /Selected OAuth Scopes/],
    ['token', 'unsupported_grant_type', 'grant type not supported', /start with https:\/\//],
    [
        'callback',
        'unsupported_response_type',
        'response type not supported',
        /AUTHORIZE_URL=\/services\/oauth2\/authorize/,
    ],
    [
        'callback',
        'redirect_uri_missing',
        'redirect_uri not provided',
        /this app sends http:\/\/localhost:\d+\/callback/,
    ],
    ['callback', 'access_denied', 'end-user denied authorization', /click Allow/],
    ['callback', 'inactive_user', 'inactive user', /activate \(or unfreeze\) the user/],
    ['callback', 'inactive_org', 'inactive organization', /Log in to the org in a browser/],
    ['callback', 'rate_limit_exceeded', 'number of logins exceeded', /Wait an hour/],
    ['callback', 'immediate_unsuccessful', 'immediate unsuccessful', /without immediate login/],
    ['token', 'app_not_found', 'External client app is not installed in this org', /External Client App Manager/],
    [
        'callback',
        'OAUTH_APPROVAL_ERROR_GENERIC',
        'An unexpected error has occured during authentication.',
        /address bar \(it contains error=…\) into the paste box/,
    ],
    ['paste', 'OAUTH_APPROVAL_ERROR_GENERIC', '', /error=invalid_scope/],
    [
        'client_credentials',
        'invalid_grant',
        'request not supported on this domain',
        /choose Custom and enter the My Domain/,
    ],
    ['client_credentials', 'invalid_grant', 'no client credentials user enabled', /the username, not the email/],
    [
        'client_credentials',
        'invalid_client',
        'client credentials flow not enabled for this connected app',
        /Enable Client Credentials Flow\), accept the warning/,
    ],
    [
        'client_credentials',
        'unauthorized_client',
        'client credentials flow not enabled',
        /Enable Client Credentials Flow/,
    ],
    ['client_credentials', 'unsupported_grant_type', 'grant type not supported', /Enable Client Credentials Flow/],
    ['client_credentials', 'invalid_client', 'invalid client credentials', /into CLIENT_ID and CLIENT_SECRET/],
    ['jwt_bearer', 'invalid_grant', "user hasn't approved this consumer", /Admin approved users are pre-authorized/],
    ['jwt_bearer', 'invalid_grant', 'invalid assertion', /jwt\/certificate\.crt/],
    ['jwt_bearer', 'invalid_grant', 'audience is invalid', /Sandbox .* sends https:\/\/test\.salesforce\.com/],
    ['jwt_bearer', 'invalid_grant', 'expired authorization code', /this machine's clock/],
    ['jwt_bearer', 'invalid_app_access', 'user is not admin approved to access this app', /API Integration license/],
    [
        'jwt_bearer',
        'app_not_found',
        'External client app is not installed in this org',
        /when a sandbox is created or refreshed/,
    ],
];

/** The first page's form for each flow without a browser. */
const DIRECT_LOGIN: Record<'client_credentials' | 'jwt_bearer', Record<string, string>> = {
    client_credentials: { flow: 'client_credentials', sf_env: 'Custom', my_domain: 'acme.my.salesforce.com' },
    jwt_bearer: { flow: 'jwt_bearer', sf_env: 'Production', username: 'api.user@test.not' },
};

/** The grant a token endpoint error answered; errors that come another way answer none. */
function grantOf(via: Via) {
    if (via === 'refresh') return 'refresh_token' as const;
    if (via === 'client_credentials' || via === 'jwt_bearer') return via;
    return via === 'token' ? ('authorization_code' as const) : undefined;
}

describe('errors that explain themselves', () => {
    let stack: Stack;
    before(async () => {
        stack = await startStack();
    });
    after(() => stack.close());
    beforeEach(() => stack.sim.resetFaults());

    async function errorPage(via: Via, error: string, description: string) {
        if (via === 'paste') {
            // The heading an Experience Cloud site shows, with no code in it.
            const pasted =
                error === 'OAUTH_APPROVAL_ERROR_GENERIC'
                    ? 'OAuth Error\nOAuth Approval Error Generic\nWe can’t authorize you because of an OAuth error.'
                    : `https://example/?error=${error}&error_description=${encodeURIComponent(description)}`;
            const reply = await new Browser().post(`${stack.origin}/explain`, { pasted });
            assert.equal(reply.status, 200);
            assertSafeHeaders(reply);
            return text(reply.body);
        }
        if (via === 'refresh') {
            const { browser, url } = await loggedIn(stack);
            stack.sim.settings.tokenError = { status: 400, error, description };
            const reply = await browser.post(`${url}/refresh`, {});
            assert.equal(reply.status, 502);
            return text(reply.body);
        }
        if (via === 'client_credentials' || via === 'jwt_bearer') {
            stack.sim.settings.tokenError = { status: 400, error, description };
            const reply = await new Browser().post(`${stack.origin}/login`, DIRECT_LOGIN[via]);
            assert.equal(reply.status, 502);
            assertSafeHeaders(reply);
            return text(reply.body);
        }
        if (via === 'callback') stack.sim.settings.authorizeError = { error, description };
        else stack.sim.settings.tokenError = { status: 400, error, description };
        const steps = await fullLogin(stack, new Browser());
        assert.equal(steps.callback.status, via === 'callback' ? 400 : 502);
        assertSafeHeaders(steps.callback);
        return text(steps.callback.body);
    }

    for (const [via, error, description, expected] of SAMPLES) {
        it(`${error} / "${description}" (via the ${via}) shows the code, the description, the cause and the fix`, async () => {
            const page = await errorPage(via, error, description);
            const fix = explain(
                { error, description: description || undefined, grant: grantOf(via) },
                { callbackUrl: stack.config.callbackUrl },
            )!;
            assert.ok(fix, 'the table has a row for it');
            assert.ok(page.includes(`error ${error}`), 'shows the code');
            assert.ok(page.includes(description), 'shows the description');
            assert.ok(page.includes(`Likely cause ${fix.cause}`), 'shows the cause');
            for (const step of fix.steps) assert.ok(page.includes(step), `shows the step "${step.slice(0, 50)}"`);
            assert.match(page, expected);
        });
    }

    it('every row of the fix table is reached by one of the samples above', () => {
        for (const row of FIXES) {
            const hit = SAMPLES.some(
                ([via, e, d]) =>
                    e === row.error &&
                    (!row.description || row.description.test(d)) &&
                    explain({ error: e, description: d, grant: grantOf(via) }, { callbackUrl: '' })?.cause ===
                        row.explain({ callbackUrl: '' }).cause,
            );
            assert.ok(hit, `no sample reaches the row ${row.error} ${row.description ?? ''}`);
        }
    });

    for (const [key, outcome] of Object.entries(DEMO_OUTCOMES)) {
        if (outcome.via === 'id_token') continue; // the OpenID Connect tests cover these
        it(`choosing "${key}" on the simulated login page (the demo's way to see errors) shows ${outcome.error} and its fix`, async () => {
            const b = new Browser();
            const { authorizeUrl, request } = await startLogin(stack, b);
            assert.match((await b.request(authorizeUrl.href)).body, new RegExp(`<option value="${key}">`));
            const decision = await b.request(`${authorizeUrl.origin}/services/oauth2/authorize/decision`, {
                form: { request, decision: 'allow', outcome: key },
            });
            if (outcome.via === 'error_page') {
                // Salesforce's page names no error; its address does, and the paste box reads it.
                const address = new URL(decision.location!);
                assert.equal(address.pathname, '/setup/secur/RemoteAccessErrorPage.apexp');
                const explained = await b.post(`${stack.origin}/explain`, { pasted: address.href });
                assert.equal(explained.status, 200);
                assert.ok(text(explained.body).includes(`error ${outcome.error}`));
                assert.ok(text(explained.body).includes(explain(outcome, { callbackUrl: '' })!.cause));
                return;
            }
            const reply = await b.request(decision.location!);
            assert.equal(reply.status, outcome.via === 'authorize' ? 400 : 502);
            const page = text(reply.body);
            assert.ok(page.includes(`error ${outcome.error}`));
            assert.ok(page.includes(explain(outcome, { callbackUrl: stack.config.callbackUrl })!.cause));
        });
    }

    it('an unknown error code still shows its code and description, with no made-up fix', async () => {
        const page = await errorPage('callback', 'brand_new_error', 'something Salesforce added');
        assert.match(page, /error brand_new_error/);
        assert.match(page, /something Salesforce added/);
        assert.doesNotMatch(page, /Likely cause/);
    });

    it('a fix that depends on the realm names the login host this login used', async () => {
        stack.sim.settings.tokenError = { status: 400, error: 'invalid_grant', description: 'authentication failure' };
        const steps = await fullLogin(stack, new Browser(), { sf_env: 'Sandbox' });
        assert.match(text(steps.callback.body), new RegExp(`This login used ${new URL(stack.sim.urls.sandbox).host}`));
    });
});
