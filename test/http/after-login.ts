// After the login: identity, refresh, revoke, a test query, curl and .env lines, My Domain and
// login options, and the same-origin rule on every action.
import assert from 'node:assert/strict';
import { API_VERSIONS } from '../../src/simulator/index.js';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
    accessTokenOf,
    assertSafeHeaders,
    Browser,
    decide,
    fieldOf,
    fullLogin,
    loggedIn,
    manualDeadlines,
    SECRET,
    startLogin,
    startStack,
    text,
    type Stack,
} from '../support/stack.js';

function refreshTokenOf(html: string): string | undefined {
    return /<code id="refresh-token" data-secret>([^<]*)<\/code>/.exec(html)?.[1];
}

describe('after the login', () => {
    let stack: Stack;
    before(async () => {
        stack = await startStack();
    });
    after(() => stack.close());
    beforeEach(() => {
        stack.sim.resetFaults();
        stack.sim.settings.rotateRefreshTokens = false;
    });

    it('the result page shows who logged in: username, name, email, user id, org id, user type and the org kind', async () => {
        const { html } = await loggedIn(stack, { sf_env: 'Production' }, 'ada@example.com');
        const page = text(html);
        assert.match(page, /Username ada@example\.com/);
        assert.match(page, /Name ada \(simulated\)/);
        assert.match(page, /Email ada@example\.com/);
        assert.match(page, /User ID 005[0-9a-f]{12}AAA/);
        assert.match(page, /Organization ID 00D5g000004SimAEAS/);
        assert.match(page, /User type STANDARD/);
        assert.match(page, /Org Production/);
    });

    it('when the identity call fails, the page still shows the token and says why identity is missing', async () => {
        stack.sim.settings.identityFault = 'server_error';
        const { html } = await loggedIn(stack);
        assert.ok(accessTokenOf(html));
        assert.match(text(html), /Identity is missing: the identity URL answered HTTP 500/);
    });

    it('the callback answers before the identity call does, and the result page waits for it and shows the user', async () => {
        let release!: () => void;
        stack.sim.settings.identityHold = new Promise<void>((resolve) => (release = resolve));
        const b = new Browser();
        const { authorizeUrl, request } = await startLogin(stack, b);
        const callbackUrl = await decide(b, authorizeUrl, request, 'allow', 'grace@example.com');
        const asked = stack.sim.stats.identityRequests;
        const callback = await b.request(callbackUrl);
        assert.equal(callback.status, 303, 'the callback answered while identity was held');
        const page = b.request(callback.location!);
        release();
        const html = (await page).body;
        assert.equal(stack.sim.stats.identityRequests, asked + 1, 'one identity call, made by the callback');
        // Had the callback waited for identity, it would not have answered while identity was held.
        assert.match(text(html), /Username grace@example\.com/);
        assert.match(html, /data-login="[^"]*grace@example\.com/, 'the line the first page will list names the user');
    });

    it('on the first login after a start, with the version list 400 ms late, the first render has the curl line and SF_API_VERSION', async (t) => {
        const fresh = await startStack(t, { env: { PREFLIGHT: 'off' }, sim: { versionsDelayMs: 400 } });
        const { html } = await loggedIn(fresh);
        const page = text(html);
        const newest = API_VERSIONS.at(-1)!.version.replace('.', '\\.');
        assert.match(page, new RegExp(`SF_API_VERSION=${newest}`), 'the .env lines name the version');
        assert.match(page, new RegExp(`curl --get '[^']*/services/data/v${newest}/query'`), 'the curl line is there');
        assert.match(
            page,
            new RegExp(`instance_url \\+ ["']/services/data/v${newest}/query["']`),
            'the Python snippet too',
        );
    });

    it('when the identity call never answers, the result page shows the token and says identity timed out', async (t) => {
        const deadlines = manualDeadlines();
        const own = await startStack(t, { deadline: deadlines.deadline, sim: { identityFault: 'hang' } });
        const b = new Browser();
        const { authorizeUrl, request } = await startLogin(own, b);
        const callback = await b.request(await decide(b, authorizeUrl, request));
        assert.equal(callback.status, 303);
        deadlines.expire();
        const html = (await b.request(callback.location!)).body;
        assert.ok(accessTokenOf(html));
        assert.match(text(html), /Identity is missing: .*did not answer within 5000 ms/);
    });

    it('the result page shows instance URL, identity URL, issued_at as a date, scopes, token type, environment and host', async () => {
        const { html } = await loggedIn(stack, { sf_env: 'Sandbox' });
        const page = text(html);
        // As Salesforce does: the instance is the org's My Domain, the identity URL stays on the login host.
        assert.match(page, new RegExp(`Instance URL ${stack.sim.urls.sandboxdomain}`));
        assert.match(page, new RegExp(`Identity URL ${stack.sim.urls.sandbox}/id/00D1x000000SbxAEAS/005`));
        assert.match(page, /Issued at \d{1,2} \w{3} \d{4}, \d\d:\d\d:\d\d [\w+:-]+/);
        assert.match(page, /Scopes api refresh_token web/);
        assert.match(page, /Token type Bearer/);
        assert.match(page, new RegExp(`Environment Sandbox · ${new URL(stack.sim.urls.sandbox).host}`));
        assert.ok(refreshTokenOf(html));
    });

    it('Refresh token posts a refresh_token grant to the issuing host and shows the new access token', async () => {
        const { browser, url, html } = await loggedIn(stack, { sf_env: 'Sandbox' });
        const reply = await browser.post(`${url}/refresh`, {});
        assert.equal(reply.status, 303);
        assert.equal(reply.location, `${url}#token`, 'back to the token');
        assert.equal(stack.sim.stats.lastTokenForm?.grant_type, 'refresh_token');
        assert.equal(stack.sim.stats.lastTokenRealm, 'sandbox');
        const page = await browser.request(url);
        assert.notEqual(accessTokenOf(page.body), accessTokenOf(html));
        assert.equal(refreshTokenOf(page.body), refreshTokenOf(html), 'without rotation the refresh token stays');
        assert.match(
            text(page.body),
            /Refreshed: a new access token was issued at \d{1,2} \w{3} \d{4}, \d\d:\d\d:\d\d [\w+:-]+\./,
        );
        assert.match(
            page.body,
            /<div class="secret fresh"><code id="access-token" data-secret>/,
            'the new token is highlighted',
        );
        const again = await browser.request(url);
        assert.doesNotMatch(again.body, /secret fresh/, 'only once');
    });

    it('with refresh token rotation, the new refresh token is kept and works for the next refresh', async () => {
        stack.sim.settings.rotateRefreshTokens = true;
        const { browser, url, html } = await loggedIn(stack);
        await browser.post(`${url}/refresh`, {});
        const once = await browser.request(url);
        assert.notEqual(refreshTokenOf(once.body), refreshTokenOf(html));
        assert.match(text(once.body), /rotated the refresh token \(the new one is kept\)/);
        const twice = await browser.post(`${url}/refresh`, {});
        assert.equal(twice.status, 303, 'a refresh with the rotated token succeeds');
    });

    it('a refresh that Salesforce refuses gets the code-exchange error page: 502, invalid_grant and its fix', async () => {
        const { browser, url, html } = await loggedIn(stack);
        // Revoke the refresh token behind the app's back, as an admin would.
        await browser.request(`${stack.sim.urls.production}/services/oauth2/revoke`, {
            form: { token: refreshTokenOf(html)! },
        });
        const reply = await browser.post(`${url}/refresh`, {});
        assert.equal(reply.status, 502);
        assertSafeHeaders(reply);
        const page = text(reply.body);
        assert.match(page, /invalid_grant/);
        assert.match(page, /expired access\/refresh token/);
        assert.match(page, /Refresh Token Policy/);
    });

    it('without the refresh_token scope, there is no Refresh button but a sentence naming the scope to add', async () => {
        const { html } = await loggedIn(stack, { sf_env: 'Production', scope: 'api web' });
        assert.doesNotMatch(html, /\/refresh"/);
        assert.match(text(html), /No refresh token was issued: add the refresh_token \(or offline_access\) scope/);
    });

    it('the first press of Revoke revokes nothing: it asks, naming the refresh token handed to .env, the CLI and Postman', async () => {
        const { browser, url, html } = await loggedIn(stack);
        const before = stack.sim.stats.revokes;
        const ask = await browser.post(`${url}/revoke`, {});
        assert.equal(ask.status, 200);
        assert.equal(stack.sim.stats.revokes, before, 'nothing was revoked');
        const page = text(ask.body);
        assert.match(page, /Revoke the tokens of api\.user@test\.not\? This cannot be undone/);
        assert.match(page, /SF_REFRESH_TOKEN in a \.env, the Salesforce CLI's org, a Postman environment/);
        assert.match(ask.body, /<input type="hidden" name="confirm" value="yes">/);
        // The result is untouched and its token still shown.
        assert.ok((await browser.request(url)).body.includes(accessTokenOf(html)!));
    });

    it('Revoke posts the refresh token to /services/oauth2/revoke, forgets the tokens and says they are revoked', async () => {
        const { browser, url, html } = await loggedIn(stack);
        const token = accessTokenOf(html)!;
        const before = stack.sim.stats.revokes;
        const reply = await browser.post(`${url}/revoke`, { confirm: 'yes' });
        assert.equal(reply.status, 303);
        assert.equal(stack.sim.stats.revokes, before + 1);
        const page = await browser.request(url);
        assert.match(text(page.body), /Tokens revoked/);
        assert.match(text(page.body), /refresh token and its access tokens are no longer valid/);
        assert.ok(!page.body.includes(token), 'the token is gone from the page');
        // Salesforce revokes the access tokens of a revoked refresh token too.
        const identity = await browser.request(`${stack.sim.urls.production}/services/oauth2/userinfo`, {
            headers: { authorization: `Bearer ${token}` },
        });
        assert.equal(identity.status, 403);
    });

    it('when Salesforce answers the revoke with a form-encoded 400 unsupported_token_type, the page reports it and the tokens are still forgotten', async () => {
        const { browser, url, html } = await loggedIn(stack);
        await browser.request(`${stack.sim.urls.production}/services/oauth2/revoke`, {
            form: { token: refreshTokenOf(html)! },
        });
        await browser.post(`${url}/revoke`, { confirm: 'yes' });
        const page = await browser.request(url);
        assert.match(
            text(page.body),
            /Salesforce answered unsupported_token_type \(this token type is not supported\)/,
        );
        assert.match(text(page.body), /Tokens revoked/);
        assert.equal(accessTokenOf(page.body), undefined);
    });

    it('Run query runs the prefilled SOQL against the newest API version and shows the Accounts as a table', async () => {
        const { browser, url, html } = await loggedIn(stack);
        assert.match(html, /<textarea id="soql" name="soql"[^>]*>SELECT Id, Name FROM Account LIMIT 5<\/textarea>/);
        const lookups = stack.sim.stats.versionLookups;
        const reply = await browser.post(`${url}/query`, { soql: 'SELECT Id, Name FROM Account LIMIT 5' });
        assert.equal(reply.status, 303);
        assert.equal(reply.location, `${url}#query`);
        const page = await browser.request(url);
        assert.match(page.body, /<th scope="col">Id<\/th><th scope="col">Name<\/th>/);
        assert.match(page.body, /Edge Communications/);
        assert.match(page.body, /Grand Hotels &amp; Resorts Ltd/);
        assert.match(text(page.body), /5 records/);
        await browser.post(`${url}/query`, { soql: 'SELECT Name FROM Account LIMIT 1' });
        assert.equal(
            stack.sim.stats.versionLookups,
            lookups,
            'the API version is read once per instance, beside the login',
        );
    });

    it('a query asks for gzip, as Salesforce recommends for large answers, and shows the unpacked records', async () => {
        const { browser, url } = await loggedIn(stack);
        const gzipped = stack.sim.stats.gzippedQueries;
        await browser.post(`${url}/query`, { soql: 'SELECT Id, Name FROM Account LIMIT 5' });
        assert.equal(stack.sim.stats.gzippedQueries, gzipped + 1, 'the simulator was asked for a gzip answer');
        assert.match((await browser.request(url)).body, /Edge Communications/);
    });

    const gzipFaults: Array<[string, 'bad_gzip' | 'gzip_bomb', RegExp]> = [
        ['is cut in the middle', 'bad_gzip', /compressed response that could not be unpacked/],
        ['unpacks to 4 MB from a few kilobytes', 'gzip_bomb', /sent a response that is too large/],
    ];
    for (const [what, fault, message] of gzipFaults) {
        it(`a compressed query answer that ${what} gets a 502 page saying so, not a crash`, async (t) => {
            const own = await startStack(t, { sim: { queryFault: fault } });
            const { browser, url } = await loggedIn(own);
            const reply = await browser.post(`${url}/query`, { soql: 'SELECT Id FROM Account' });
            assert.equal(reply.status, 502);
            assert.match(text(reply.body), message);
            assert.equal((await browser.request(url)).status, 200, 'the result page still answers');
        });
    }

    const restErrors: Array<[string, string, RegExp]> = [
        ['SELECT Id Name FROM', 'MALFORMED_QUERY', /unexpected token/],
        ['SELECT Id FROM Opportunity', 'INVALID_TYPE', /sObject type 'Opportunity' is not supported/],
        ['SELECT Id, Revenue FROM Account', 'INVALID_FIELD', /No such column 'Revenue' on entity 'Account'/],
    ];
    for (const [soql, code, message] of restErrors) {
        it(`a query that Salesforce answers with ${code} shows the code and its message`, async () => {
            const { browser, url } = await loggedIn(stack);
            await browser.post(`${url}/query`, { soql });
            const page = text((await browser.request(url)).body);
            assert.match(page, new RegExp(code));
            assert.match(page, message);
        });
    }

    const validSoql: Array<[string, string, RegExp]> = [
        [
            'SELECT Id, Name, Email FROM Contact LIMIT 3',
            '3 records',
            /Id Name Email 0035g00000SimC1AAK Rose Gonzalez rose\.gonzalez@example\.com/,
        ],
        ['SELECT COUNT() FROM Contact', '8 records', /^$/],
        [
            'SELECT Name, CreatedDate FROM Account ORDER BY Name DESC LIMIT 1',
            '1 record',
            /^Name CreatedDate United Oil & Gas Corp\. 2026-\d\d-\d\dT09:30:00\.000\+0000$/,
        ],
    ];
    for (const [soql, summary, table] of validSoql) {
        it(`the simulated org answers valid SOQL that a real org would: ${soql}`, async () => {
            const { browser, url } = await loggedIn(stack);
            await browser.post(`${url}/query`, { soql });
            const html = (await browser.request(url)).body;
            assert.equal(fieldOf(html, 'query-summary'), summary);
            const rows = /<table id="query-results">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
            assert.match(text(rows).trim(), table);
        });
    }

    it('the query card of a simulated org says what the org holds and which SOQL it understands', async () => {
        const { html } = await loggedIn(stack);
        assert.match(fieldOf(html, 'simulated-data') ?? '', /6 Accounts .* 8 Contacts .* COUNT\(\)/);
    });

    it("the Salesforce CLI lines parse on today's CLI, carry no secret and name the CLI release they were checked with", async () => {
        const { html } = await loggedIn(stack);
        const sfdxUrl = fieldOf(html, 'sf-sfdx-url') ?? '';
        const accessToken = fieldOf(html, 'sf-access-token') ?? '';
        assert.match(sfdxUrl, / \| sf org login sfdx-url --sfdx-url-stdin - --alias sf-oauth-auth$/);
        assert.match(accessToken, /^sf org login access-token --instance-url '[^']+' --alias sf-oauth-auth$/);
        for (const line of [sfdxUrl, accessToken]) {
            assert.ok(!line.includes(SECRET) && !line.includes(accessTokenOf(html)!), 'no secret in a command line');
        }
        assert.match(text(html), /These lines were checked against @salesforce\/cli \d+\.\d+\.\d+/);
    });

    it('a sandbox result names the org kind once: the badge says Sandbox and the note beside it does not repeat it', async () => {
        const { html } = await loggedIn(stack, { sf_env: 'Sandbox' });
        assert.equal(fieldOf(html, 'org-kind'), 'Sandbox');
        assert.match(fieldOf(html, 'flow-name') ?? '', /^Web Server flow · 127\.0\.0\.1:\d+$/);
    });

    it('a Refresh says so inside the token card, where the page scrolls to', async () => {
        const { browser, url } = await loggedIn(stack);
        await browser.post(`${url}/refresh`, {});
        const html = (await browser.request(url)).body;
        const card = html.slice(html.indexOf('class="card token-card"'), html.indexOf('id="who"'));
        assert.match(card, /id="notice">Refreshed: a new access token was issued/);
    });

    it('a MALFORMED_QUERY message keeps its lines on the page: the query, the caret, then the position', async () => {
        const { browser, url } = await loggedIn(stack);
        await browser.post(`${url}/query`, { soql: 'SELECT Id FROM' });
        const html = (await browser.request(url)).body;
        const message = /<pre class="message">([^<]*)<\/pre>/.exec(html)?.[1];
        assert.equal(
            message,
            'SELECT Id FROM\n          ^\nERROR at Row:1:Column:11\nunexpected token: &#39;FROM&#39;',
        );
    });

    it('a token without the api scope gets INVALID_SESSION_ID "not valid for use with the REST API" on a query', async () => {
        const { browser, url } = await loggedIn(stack, { sf_env: 'Production', scope: 'web refresh_token' });
        await browser.post(`${url}/query`, { soql: 'SELECT Id FROM Account' });
        assert.match(text((await browser.request(url)).body), /This session is not valid for use with the REST API/);
    });

    it('a query with an access token Salesforce no longer accepts shows INVALID_SESSION_ID', async () => {
        const { browser, url, html } = await loggedIn(stack);
        await browser.request(`${stack.sim.urls.production}/services/oauth2/revoke`, {
            form: { token: accessTokenOf(html)! },
        });
        await browser.post(`${url}/query`, { soql: 'SELECT Id FROM Account' });
        const page = text((await browser.request(url)).body);
        assert.match(page, /INVALID_SESSION_ID/);
        assert.match(page, /Session expired or invalid/);
    });

    it('the result page offers a curl line and .env lines for the same query, with the token and instance URL', async () => {
        const { browser, url } = await loggedIn(stack);
        // The API version is looked up beside the page; a query waits for it, so the page after one has it.
        await browser.post(`${url}/query`, { soql: 'SELECT Id, Name FROM Account LIMIT 5' });
        const html = (await browser.request(url)).body;
        const token = accessTokenOf(html)!;
        const curl = text(/<code id="curl-line" data-secret>([^<]*)<\/code>/.exec(html)![1]!);
        assert.equal(
            curl,
            `curl --get '${stack.sim.urls.mydomain}/services/data/v68.0/query' --data-urlencode 'q=SELECT Id, Name FROM Account LIMIT 5' -H 'Authorization: Bearer ${token}'`,
        );
        const env = /<code id="env-snippet" data-secret>([^<]*)<\/code>/.exec(html)![1]!;
        assert.equal(
            env,
            `SF_ACCESS_TOKEN=${token}\nSF_INSTANCE_URL=${stack.sim.urls.mydomain}\nSF_REFRESH_TOKEN=${refreshTokenOf(html)}\nSF_API_VERSION=68.0`,
        );
    });

    for (const [name, headers] of [
        [
            'Sec-Fetch-Site: same-site (another localhost port)',
            { 'sec-fetch-site': 'same-site', origin: 'http://localhost:3000' },
        ],
        ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }],
        [
            'no Sec-Fetch-Site and Origin http://localhost:3000',
            { 'sec-fetch-site': '', origin: 'http://localhost:3000' },
        ],
        ['no Sec-Fetch-Site and no Origin', { 'sec-fetch-site': '', origin: '' }],
    ] as const) {
        it(`refresh, revoke and query from ${name} are refused with 403 and call nothing`, async () => {
            const { browser, url } = await loggedIn(stack);
            const calls = stack.sim.stats.tokenRequests + stack.sim.stats.revokes;
            for (const action of ['refresh', 'revoke', 'query']) {
                const h: Record<string, string> = {};
                for (const [k, v] of Object.entries(headers)) if (v) h[k] = v;
                const reply = await browser.request(`${url}/${action}`, {
                    form: { soql: 'SELECT Id FROM Account' },
                    headers: h,
                });
                assert.equal(reply.status, 403, action);
                assert.match(text(reply.body), /did not come from this app's own page/);
            }
            assert.equal(stack.sim.stats.tokenRequests + stack.sim.stats.revokes, calls);
            assert.ok(accessTokenOf((await browser.request(url)).body), 'the tokens are untouched');
        });
    }

    it('an action from the exact app origin without Sec-Fetch-Site (a non-browser client) is accepted', async () => {
        const { browser, url } = await loggedIn(stack);
        const reply = await browser.request(`${url}/query`, {
            form: { soql: 'SELECT Id FROM Account' },
            headers: { origin: stack.origin },
        });
        assert.equal(reply.status, 303);
    });

    it('no URL the app sends a browser to contains a token', async () => {
        const { browser, url, html } = await loggedIn(stack);
        const tokens = [accessTokenOf(html)!, refreshTokenOf(html)!];
        const locations = [
            (await browser.post(`${url}/query`, { soql: 'SELECT Id FROM Account' })).location!,
            (await browser.post(`${url}/refresh`, {})).location!,
            (await browser.post(`${url}/revoke`, { confirm: 'yes' })).location!,
        ];
        for (const location of locations) for (const t of tokens) assert.ok(!location.includes(t));
    });

    it('a Custom login with a My Domain goes to that host (simulated) and redeems the code there', async () => {
        const browser = new Browser();
        const steps = await fullLogin(stack, browser, {
            sf_env: 'Custom',
            my_domain: 'https://Acme--UAT.sandbox.my.salesforce.com/',
        });
        assert.equal(steps.authorizeUrl.origin, stack.sim.urls.mydomain);
        assert.equal(stack.sim.stats.lastTokenRealm, 'mydomain');
        assert.equal(steps.result?.status, 200);
        const page = text(steps.result!.body);
        assert.match(page, /Environment Custom · acme--uat\.sandbox\.my\.salesforce\.com/);
        assert.match(page, /Org Sandbox/);
    });

    for (const domain of [
        'evil.com',
        'acme.my.salesforce.com.evil.com',
        'http://acme.my.salesforce.com',
        'acme.my.salesforce.com:8443',
        'x.my.salesforce.com@evil.com',
        '127.0.0.1',
        'localhost',
    ]) {
        it(`a Custom login with "${domain}" is refused with 400 and no redirect`, async () => {
            const reply = await new Browser().post(`${stack.origin}/login`, { sf_env: 'Custom', my_domain: domain });
            assert.equal(reply.status, 400);
            assert.equal(reply.location, undefined);
            assert.match(text(reply.body), /not a Salesforce My Domain host/);
        });
    }

    it('a Custom login with a lightning.force.com host suggests the my.salesforce.com host', async () => {
        const reply = await new Browser().post(`${stack.origin}/login`, {
            sf_env: 'Custom',
            my_domain: 'acme.lightning.force.com',
        });
        assert.equal(reply.status, 400);
        assert.match(text(reply.body), /Use acme\.my\.salesforce\.com instead/);
    });

    it('scope, prompt and login_hint from the form reach the authorize URL', async () => {
        const reply = await new Browser().post(`${stack.origin}/login`, {
            sf_env: 'Production',
            scope: 'api  web',
            prompt: 'login consent',
            login_hint: 'ada@example.com',
        });
        const url = new URL(reply.location!);
        assert.equal(url.searchParams.get('scope'), 'api web');
        assert.equal(url.searchParams.get('prompt'), 'login consent');
        assert.equal(url.searchParams.get('login_hint'), 'ada@example.com');
    });

    it('a scope with characters outside RFC 6749 scope tokens is refused with 400', async () => {
        const reply = await new Browser().post(`${stack.origin}/login`, { sf_env: 'Production', scope: 'api "web"' });
        assert.equal(reply.status, 400);
        assert.match(text(reply.body), /scope names separated by spaces/);
    });

    it('the consumer secret appears only inside the SFDX auth URL blocks, which need it, and on no other page', async () => {
        const { browser, url, html } = await loggedIn(stack);
        const withoutAuthUrl = html.replace(
            /<code id="(?:sfdx-auth-url|sf-sfdx-url)"(?: data-secret)?>[^<]*<\/code>/g,
            '',
        );
        assert.ok(html.includes(SECRET), 'the SFDX auth URL carries it');
        assert.ok(!withoutAuthUrl.includes(SECRET));
        const index = await browser.request(`${stack.origin}/`);
        const postman = await browser.request(`${url}/postman-environment.json`);
        for (const body of [index.body, postman.body]) assert.ok(!body.includes(SECRET));
    });
});

describe('after the login, with .env defaults', () => {
    it('SCOPE and PROMPT from .env are sent when the form leaves them empty, and API_VERSION wins over the newest version', async (t) => {
        const stack = await startStack(t, {
            env: { SCOPE: 'api refresh_token', PROMPT: 'login', API_VERSION: '66.0' },
        });
        const browser = new Browser();
        const login = await browser.post(`${stack.origin}/login`, { sf_env: 'Production', scope: '', prompt: '' });
        const url = new URL(login.location!);
        assert.equal(url.searchParams.get('scope'), 'api refresh_token');
        assert.equal(url.searchParams.get('prompt'), 'login');
        const steps = await fullLogin(stack, browser);
        assert.notEqual(API_VERSIONS.at(-1)!.version, '66.0', 'the simulator offers a newer one');
        assert.match(text(steps.result!.body), /v66\.0\/query/);
        assert.doesNotMatch(text(steps.result!.body), new RegExp(`v${API_VERSIONS.at(-1)!.version}`));
    });
});

describe('is this token still good?', () => {
    /** The status the page's script asks for, once introspection beside the page has answered. */
    async function statusOf(browser: Browser, url: string) {
        const reply = await browser.request(`${url}/status.json`);
        assert.equal(reply.status, 200);
        assert.equal(reply.headers.get('cache-control'), 'no-store');
        return JSON.parse(reply.body) as { text: string; expiresAt?: string };
    }

    it('introspection beside the page says the token is active and when it expires; the page then shows it', async (t) => {
        const stack = await startStack(t);
        const { browser, url } = await loggedIn(stack);
        const status = await statusOf(browser, url);
        assert.equal(status.text, 'Active');
        assert.match(
            status.expiresAt ?? '',
            /^\d{1,2} \w{3} \d{4}, \d\d:\d\d:\d\d [\w+:-]+ \(in (1 h 59|2 h 0) min\)$/,
        );
        const html = (await browser.request(url)).body;
        assert.equal(fieldOf(html, 'token-status'), 'Active');
        assert.match(
            html,
            /<span id="token-status" aria-live="polite">/,
            'the status the script rewrites is announced',
        );
        assert.match(text(html), /Status Active \(checked at \d\d:\d\d:\d\d\)/, 'says when it was checked');
        assert.equal(fieldOf(html, 'expires-at'), status.expiresAt);
    });

    it("the status of another browser's result is not given", async (t) => {
        const stack = await startStack(t);
        const { url } = await loggedIn(stack);
        assert.equal((await new Browser().request(`${url}/status.json`)).status, 404);
    });

    it('Check again after Salesforce revoked the token says it is not active; a refresh makes it active again', async (t) => {
        const stack = await startStack(t);
        const { browser, url, html } = await loggedIn(stack);
        await statusOf(browser, url);
        await browser.request(`${stack.sim.urls.production}/services/oauth2/revoke`, {
            form: { token: accessTokenOf(html)! },
        });
        const check = await browser.post(`${url}/introspect`, {});
        assert.equal(check.location, `${url}#token`);
        assert.equal(
            fieldOf((await browser.request(url)).body, 'token-status'),
            'Not active: Salesforce no longer accepts this access token',
        );
        await browser.post(`${url}/refresh`, {});
        assert.equal((await statusOf(browser, url)).text, 'Active');
    });

    it('after Revoke, the status is asked again and says the token is no longer active', async (t) => {
        const stack = await startStack(t);
        const { browser, url } = await loggedIn(stack);
        await browser.post(`${url}/revoke`, { confirm: 'yes' });
        assert.equal((await statusOf(browser, url)).text, 'Not active: Salesforce no longer accepts this access token');
    });

    it('a public client tries the Consumer Key alone and, refused, says that introspection needs the secret', async (t) => {
        const stack = await startStack(t, { publicClient: true });
        const first = await loggedIn(stack);
        assert.match(
            (await statusOf(first.browser, first.url)).text,
            /answers introspection only with the Consumer Secret/,
        );
        stack.sim.settings.introspectionRequiresSecret = false;
        const second = await loggedIn(stack);
        assert.equal((await statusOf(second.browser, second.url)).text, 'Active');
    });
});

describe('OpenID Connect', () => {
    const OPENID = { sf_env: 'Production', scope: 'api openid refresh_token' };
    const withOpenId = { scopes: ['api', 'refresh_token', 'openid', 'web'] };
    // The simulator's first id_token waits for its RSA key: give the page more than the usual 300 ms.
    const env = { HTTP_TIMEOUT_MS: '5000' };

    it('with openid, the id_token is verified against the login host keys and shows only the claims it carries', async (t) => {
        const stack = await startStack(t, { env, sim: withOpenId });
        const b = new Browser();
        const steps = await fullLogin(stack, b, OPENID, 'ada@example.com');
        assert.ok(steps.authorizeUrl.searchParams.get('nonce')?.match(/^[A-Za-z0-9_-]{43}$/), 'a nonce is sent');
        const html = steps.result!.body;
        assert.match(
            fieldOf(html, 'id-token-status') ?? '',
            /^Verified: signature, issuer, audience, expiry and nonce/,
        );
        assert.match(fieldOf(html, 'id-token-sub') ?? '', /\/id\/00D5g000004SimAEAS\/005/);
        // Like a real Salesforce id_token, the simulator's carries no profile claims: none is shown as if it did.
        assert.equal(fieldOf(html, 'id-token-username'), undefined);
        assert.doesNotMatch(text(html), /preferred_username|email undefined|name undefined/);
        assert.match(text(html), /exp \d/);
    });

    const faults: Array<[string, RegExp]> = [
        ['wrong_audience', /audience \(aud\) is not this app/],
        ['wrong_nonce', /nonce is not the one this login sent/],
        ['expired', /it has expired/],
        ['bad_signature', /signature does not match/],
    ];
    for (const [fault, reason] of faults) {
        it(`an id_token with ${fault.replace('_', ' ')} is reported exactly and never shown as the identity`, async (t) => {
            const stack = await startStack(t, { env, sim: { ...withOpenId, idTokenFault: fault as never } });
            const { html } = await loggedIn(stack, OPENID, 'mallory@example.com');
            assert.match(fieldOf(html, 'id-token-status') ?? '', /^Not verified, so not shown as your identity/);
            assert.match(html, /<p id="id-token-status" class="warning" role="alert">/, 'a failed check is a warning');
            assert.match(fieldOf(html, 'id-token-status') ?? '', reason);
            assert.equal(fieldOf(html, 'id-token-username'), undefined);
            assert.equal(fieldOf(html, 'access-token') !== undefined, true, 'the token is still shown');
        });
    }

    it('without openid there is no id_token and no OpenID section', async (t) => {
        const stack = await startStack(t);
        const { html } = await loggedIn(stack);
        assert.equal(fieldOf(html, 'id-token-status'), undefined);
    });
});

describe('hand-off and the logins of this browser', () => {
    it('the Postman environment downloads for the browser that logged in, no-store, and is refused to another browser', async (t) => {
        const stack = await startStack(t);
        const { browser, url, html } = await loggedIn(stack);
        assert.match(
            html,
            /<a id="postman-download" href="\/result\/[A-Za-z0-9_-]{43}\/postman-environment\.json" download>/,
        );
        const download = await browser.request(`${url}/postman-environment.json`);
        assert.equal(download.status, 200);
        assert.equal(download.headers.get('cache-control'), 'no-store');
        assert.match(
            download.headers.get('content-disposition') ?? '',
            /^attachment; filename="?sf-oauth-auth\.postman_environment\.json"?$/,
        );
        const env = JSON.parse(download.body) as { values: Array<{ key: string; value: string; type: string }> };
        const token = env.values.find((v) => v.key === '_accessToken');
        assert.equal(token?.value, accessTokenOf(html));
        assert.equal(token?.type, 'secret');
        const other = await new Browser().request(`${url}/postman-environment.json`);
        assert.equal(other.status, 404);
        assert.ok(!other.body.includes(accessTokenOf(html)!));
    });

    it('the first page lists no login from the cookie: each result page hands its own line to the page script', async (t) => {
        const stack = await startStack(t);
        const b = new Browser();
        const first = await fullLogin(stack, b, { sf_env: 'Production' }, 'ada@example.com');
        await b.post(`${first.resultUrl}/revoke`, { confirm: 'yes' });
        const index = (await b.request(`${stack.origin}/`)).body;
        assert.match(index, /<ul id="logins" class="logins"><\/ul>/, 'the server lists nothing');
        assert.doesNotMatch(index, /ada@example\.com/);
        assert.ok(!index.includes(new URL(first.resultUrl!).pathname), 'no result id on the first page');
        const revoked = (await b.request(first.resultUrl!)).body;
        const line = /data-login="([^"]+)"/.exec(revoked)?.[1]?.replace(/&#34;/g, '"');
        assert.ok(line, 'the result page carries its line');
        const summary = JSON.parse(line) as Record<string, unknown>;
        assert.equal(summary.id, new URL(first.resultUrl!).pathname.split('/').pop());
        assert.equal(summary.user, 'ada@example.com');
        assert.equal(summary.revoked, true);
    });

    it('a result page has its own tab title: user, org kind and the product', async (t) => {
        const stack = await startStack(t);
        const { html } = await loggedIn(stack, { sf_env: 'Sandbox' }, 'ada@example.com');
        assert.match(html, /<title>ada@example\.com · Sandbox · sf-oauth-auth<\/title>/);
    });

    it('the tab title and the badge agree, both from the instance URL: a Custom login to a sandbox My Domain', async (t) => {
        const stack = await startStack(t);
        const { html } = await loggedIn(stack, { sf_env: 'Custom', my_domain: 'acme--uat.sandbox.my.salesforce.com' });
        const badge = fieldOf(html, 'org-kind');
        assert.equal(badge, 'Sandbox');
        assert.match(html, new RegExp(`<title>[^<]* · ${badge} · sf-oauth-auth</title>`));
    });
});

describe('Experience Cloud sites', () => {
    it('Custom with acme.my.site.com/partners sends authorize, token and revoke under the site path and shows the site', async (t) => {
        const stack = await startStack(t);
        const b = new Browser();
        const steps = await fullLogin(stack, b, { sf_env: 'Custom', my_domain: 'https://acme.my.site.com/partners/' });
        assert.equal(steps.authorizeUrl.pathname, '/partners/services/oauth2/authorize');
        assert.equal(stack.sim.stats.lastTokenPath, '/partners/services/oauth2/token');
        assert.equal(steps.result?.status, 200);
        const page = text(steps.result!.body);
        assert.match(page, new RegExp(`Experience Cloud site ${stack.sim.urls.mydomain}/partners · 0DB5g000000SimAAA`));
        assert.match(page, /Environment Custom · acme\.my\.site\.com\/partners/);
        const revoked = await b.post(`${steps.resultUrl}/revoke`, { confirm: 'yes' });
        assert.equal(revoked.status, 303);
        assert.match(text((await b.request(steps.resultUrl!)).body), /Tokens revoked/);
    });

    it('a path on a My Domain that is not a site is refused with the reason', async (t) => {
        const stack = await startStack(t);
        const reply = await new Browser().post(`${stack.origin}/login`, {
            sf_env: 'Custom',
            my_domain: 'acme.my.salesforce.com/partners',
        });
        assert.equal(reply.status, 400);
        assert.match(text(reply.body), /only an Experience Cloud site has a path/);
    });
});

describe('actions on one result, racing', () => {
    it('a double click on Refresh sends one token request, and with rotation the newest refresh token is kept', async (t) => {
        const stack = await startStack(t, { sim: { tokenDelayMs: 100, rotateRefreshTokens: true } });
        const { browser, url, html } = await loggedIn(stack);
        const before = stack.sim.stats.tokenRequests;
        const clicks = await Promise.all([1, 2, 3].map(() => browser.post(`${url}/refresh`, {})));
        assert.deepEqual(
            clicks.map((c) => c.status),
            [303, 303, 303],
        );
        assert.equal(stack.sim.stats.tokenRequests, before + 1);
        const page = (await browser.request(url)).body;
        const newest = refreshTokenOf(page)!;
        assert.notEqual(newest, refreshTokenOf(html));
        // The kept token is the live one: a second refresh with it succeeds.
        assert.equal((await browser.post(`${url}/refresh`, {})).status, 303);
        assert.notEqual(refreshTokenOf((await browser.request(url)).body), newest);
    });

    it('a Revoke pressed while a Refresh still waits for Salesforce wins: the tokens stay revoked and a query is refused', async (t) => {
        // The refresh's answer is held until the revoke has finished (when actions overlap), or for at most
        // 300 ms (when the revoke is made to wait for the refresh).
        let open!: () => void;
        const gate = new Promise<void>((resolve) => (open = resolve));
        const stack = await startStack(t, {
            // The revoke waits for the refresh, and its page's deadline counts that wait.
            env: { HTTP_TIMEOUT_MS: '3000' },
            wrapSalesforce: (client) => ({
                ...client,
                refresh: async (baseUrl, tokens) => {
                    const refreshed = await client.refresh(baseUrl, tokens);
                    const fallback = setTimeout(open, 300);
                    await gate;
                    clearTimeout(fallback);
                    return refreshed;
                },
                revoke: async (baseUrl, token) => {
                    const answer = await client.revoke(baseUrl, token);
                    setImmediate(open);
                    return answer;
                },
            }),
        });
        const { browser, url } = await loggedIn(stack);
        const refreshing = browser.post(`${url}/refresh`, {});
        const revoking = browser.post(`${url}/revoke`, { confirm: 'yes' });
        assert.equal((await refreshing).status, 303);
        assert.equal((await revoking).status, 303);
        const page = await browser.request(url);
        assert.equal(accessTokenOf(page.body), undefined);
        assert.match(text(page.body), /Tokens revoked/);
        const query = await browser.post(`${url}/query`, { soql: 'SELECT Id FROM Account' });
        assert.equal(query.status, 400);
        assert.match(text(query.body), /These tokens were revoked/);
    });
});
