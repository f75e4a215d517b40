// Client Credentials and JWT Bearer end to end: the first page's form, the app's own token request, the result
// page (no refresh token, the Run As user, the decoded assertion, the transcript), every refusal the simulator
// gives for a real cause, and the key and certificate a JWT Bearer login needs.
import assert from 'node:assert/strict';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { selfSignedCertificate } from '../../src/oauth/jwt-key.js';
import {
    accessTokenOf,
    assertSafeHeaders,
    Browser,
    loggedIn,
    SECRET,
    startStack,
    testJwtKey,
    text,
    type Stack,
} from '../support/stack.js';

const CC_FORM = { flow: 'client_credentials', sf_env: 'Custom', my_domain: 'acme.my.salesforce.com' };
const JWT_FORM = { flow: 'jwt_bearer', sf_env: 'Production', username: 'ci.user@test.not' };

/** The transcript's exchanges on a page, as text: one string per `.exchange`. */
function exchangesOf(html: string): string[] {
    const section = html.slice(html.indexOf('id="transcript"'));
    return section
        .split('<details class="exchange">')
        .slice(1)
        .map((part) => text(part.slice(0, part.indexOf('</details>'))));
}

describe('Client Credentials and JWT Bearer', () => {
    let stack: Stack;
    before(async () => {
        stack = await startStack();
    });
    after(() => stack.close());
    beforeEach(() => {
        stack.sim.resetFaults();
        Object.assign(stack.sim.settings, {
            clientCredentialsEnabled: true,
            runAsUser: 'integration.user@test.not',
            jwtPermittedUsers: 'admin_approved',
            jwtApprovedUsers: 'all',
            jwtAudience: 'login_host',
            appInstalled: true,
        });
    });

    async function directLogin(form: Record<string, string>) {
        const browser = new Browser();
        const reply = await browser.post(`${stack.origin}/login`, form);
        return { browser, reply };
    }

    async function resultOf(form: Record<string, string>) {
        const { browser, reply } = await directLogin(form);
        assert.equal(reply.status, 303, text(reply.body).slice(0, 400));
        assert.match(reply.location!, /\/result\/[A-Za-z0-9_-]{43}$/);
        const page = await browser.request(reply.location!);
        assert.equal(page.status, 200);
        return { browser, url: reply.location!, html: page.body };
    }

    it('Client Credentials at a My Domain: 303 to a result that names the Run As user, with no refresh token and no Refresh', async () => {
        const { html } = await resultOf(CC_FORM);
        const page = text(html);
        assert.match(page, /Access token for integration\.user@test\.not/);
        assert.match(page, /Run As user: every call with this token acts as integration\.user@test\.not/);
        assert.match(page, /Client Credentials flow · Custom · acme\.my\.salesforce\.com/);
        assert.match(page, /Client Credentials never issues a refresh token/);
        assert.doesNotMatch(html, /\/refresh"/);
        assert.doesNotMatch(html, /id="refresh-token"|id="sfdx-auth-url"|OpenID Connect/);
        assert.match(html, /id="signature">Verified with CLIENT_SECRET/);
        assert.equal(stack.sim.stats.lastTokenForm?.grant_type, 'client_credentials');
        assert.equal(stack.sim.stats.lastTokenRealm, 'mydomain');
    });

    it('Client Credentials: the token works for a query, introspection and a revoke', async () => {
        const { browser, url, html } = await resultOf(CC_FORM);
        const token = accessTokenOf(html)!;
        const query = await browser.post(`${url}/query`, { soql: 'SELECT Id, Name FROM Account LIMIT 2' });
        assert.equal(query.status, 303);
        const queried = await browser.request(url);
        assert.match(text(queried.body), /2 records/);
        await browser.post(`${url}/introspect`, {});
        assert.match(text((await browser.request(url)).body), /Status Active/);
        await browser.post(`${url}/revoke`, { confirm: 'yes' });
        assert.match(text((await browser.request(url)).body), /Tokens revoked/);
        const reuse = await browser.request(`${stack.sim.urls.mydomain}/services/data/v66.0/query?q=x`, {
            headers: { authorization: `Bearer ${token}` },
        });
        assert.equal(reuse.status, 401);
    });

    it('a Refresh posted to a Client Credentials result is refused with 400 and says the flow issues no refresh token', async () => {
        const { browser, url } = await resultOf(CC_FORM);
        const before = stack.sim.stats.tokenRequests;
        const reply = await browser.post(`${url}/refresh`, {});
        assert.equal(reply.status, 400);
        assert.match(text(reply.body), /Client Credentials never issues a refresh token/);
        assert.equal(stack.sim.stats.tokenRequests, before);
    });

    for (const sf_env of ['Production', 'Sandbox', 'Dev']) {
        it(`Client Credentials with ${sf_env} is refused before any call, naming the My Domain to use`, async () => {
            const before = stack.sim.stats.tokenRequests;
            const { reply } = await directLogin({ ...CC_FORM, sf_env, my_domain: '' });
            assert.equal(reply.status, 400);
            assert.match(text(reply.body), /served only by the org's My Domain: Salesforce doesn't support it at/);
            assert.match(reply.body, /<option value="Custom" selected>/);
            assert.match(reply.body, /id="flow_client_credentials" name="flow" value="client_credentials"[^>]*checked/);
            assert.equal(stack.sim.stats.tokenRequests, before);
        });
    }

    it('Client Credentials at an Experience Cloud site is refused before any call', async () => {
        const before = stack.sim.stats.tokenRequests;
        const { reply } = await directLogin({ ...CC_FORM, my_domain: 'acme.my.site.com/partners' });
        assert.equal(reply.status, 400);
        assert.match(text(reply.body), /not by an Experience Cloud site/);
        assert.equal(stack.sim.stats.tokenRequests, before);
    });

    it('Client Credentials sent to a login host anyway: Salesforce\'s "request not supported on this domain" and its fix', async () => {
        // The simulator's production login host, entered as a My Domain (the `npm run simulator` rehearsal path).
        const { reply } = await directLogin({ ...CC_FORM, my_domain: new URL(stack.sim.urls.production).host });
        assert.equal(reply.status, 502);
        const page = text(reply.body);
        assert.match(page, /Client Credentials needs the org's My Domain/);
        assert.match(page, /error_description request not supported on this domain/);
    });

    it('Client Credentials without a Run As user: "no client credentials user enabled" and where to set it', async () => {
        stack.sim.settings.runAsUser = undefined;
        const { reply } = await directLogin(CC_FORM);
        assert.equal(reply.status, 502);
        assert.match(text(reply.body), /The app has no Run As user .* Client Credentials Flow → Run As/);
    });

    it('Client Credentials not enabled on the app: the refusal names Enable Client Credentials Flow', async () => {
        stack.sim.settings.clientCredentialsEnabled = false;
        const { reply } = await directLogin(CC_FORM);
        assert.equal(reply.status, 502);
        assert.match(text(reply.body), /Client Credentials is not enabled on the app/);
    });

    it('Client Credentials with a wrong secret: invalid_client, and where the Consumer Key and Secret are', async () => {
        const other = await startStack(undefined, { env: { CLIENT_SECRET: 'not-the-secret' } });
        try {
            const reply = await new Browser().post(`${other.origin}/login`, CC_FORM);
            assert.equal(reply.status, 502);
            assert.match(text(reply.body), /Salesforce refused the Consumer Key and Secret/);
        } finally {
            await other.close();
        }
    });

    it('Client Credentials as a public client (no CLIENT_SECRET) is refused before any call', async () => {
        const other = await startStack(undefined, { publicClient: true });
        try {
            const reply = await new Browser().post(`${other.origin}/login`, CC_FORM);
            assert.equal(reply.status, 400);
            assert.match(text(reply.body), /set CLIENT_SECRET in \.env/);
            assert.equal(other.sim.stats.tokenRequests, 0);
        } finally {
            await other.close();
        }
    });

    it('JWT Bearer: 303 to a result for the user named, with the decoded assertion and the sf org login jwt line', async () => {
        const { html } = await resultOf(JWT_FORM);
        const page = text(html);
        assert.match(page, /Access token for ci\.user@test\.not/);
        assert.match(page, /JWT Bearer never issues a refresh token/);
        const claims = JSON.parse(html.match(/id="assertion-claims">([^<]+)</)![1]!.replace(/&#34;/g, '"'));
        assert.equal(claims.iss, stack.config.clientId);
        assert.equal(claims.sub, 'ci.user@test.not');
        assert.equal(claims.aud, stack.config.productionUrl);
        assert.ok(claims.exp > Date.now() / 1000 && claims.exp <= Date.now() / 1000 + 180, 'exp within 3 minutes');
        assert.match(html, /id="assertion-header">\{\s*&#34;alg&#34;: &#34;RS256&#34;\s*\}/);
        assert.match(
            page,
            /sf org login jwt --client-id '3MVG9TEST\.CONSUMER\.KEY' --jwt-key-file .* --username 'ci\.user@test\.not' --instance-url/,
        );
        assert.equal(stack.sim.stats.lastTokenForm?.grant_type, 'urn:ietf:params:oauth:grant-type:jwt-bearer');
        assert.equal(stack.sim.stats.lastTokenForm?.client_secret, undefined, 'no secret is sent');
    });

    it('JWT Bearer for a sandbox: aud is the sandbox login host and the request goes there', async () => {
        const { html } = await resultOf({ ...JWT_FORM, sf_env: 'Sandbox' });
        assert.match(html, new RegExp(`&#34;aud&#34;: &#34;${stack.config.sandboxUrl}&#34;`));
        assert.equal(stack.sim.stats.lastTokenRealm, 'sandbox');
    });

    it('JWT Bearer without a username: the form again, with the reason next to the field, and no call', async () => {
        const before = stack.sim.stats.tokenRequests;
        const { reply } = await directLogin({ ...JWT_FORM, username: '' });
        assert.equal(reply.status, 400);
        assert.match(reply.body, /id="username_error">Enter the username/);
        assert.equal(stack.sim.stats.tokenRequests, before);
    });

    it('JWT Bearer for a user the app does not admit: invalid_app_access, and the profile or permission set to add', async () => {
        stack.sim.settings.jwtApprovedUsers = ['someone.else@test.not'];
        const { reply } = await directLogin(JWT_FORM);
        assert.equal(reply.status, 502);
        assert.match(text(reply.body), /This user is not assigned to the app/);
    });

    it('JWT Bearer for a user who never approved a self-authorize app: "user hasn\'t approved this consumer"', async () => {
        Object.assign(stack.sim.settings, { jwtPermittedUsers: 'self_authorize', jwtApprovedUsers: [] });
        const { reply } = await directLogin(JWT_FORM);
        assert.equal(reply.status, 502);
        assert.match(
            text(reply.body),
            /This user is not pre-authorized for the app .* Permitted Users: .?.?.?.?.?Admin approved users are pre-authorized/,
        );
    });

    it('JWT Bearer with a certificate of another key uploaded: "invalid assertion", and where to download the right one', async () => {
        const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
        const certificates = stack.sim.settings.jwtCertificates;
        stack.sim.settings.jwtCertificates = [await selfSignedCertificate(privateKey)];
        try {
            const { reply } = await directLogin(JWT_FORM);
            assert.equal(reply.status, 502);
            assert.match(text(reply.body), /could not verify the assertion .* \/jwt\/certificate\.crt/);
        } finally {
            stack.sim.settings.jwtCertificates = certificates;
        }
    });

    it('JWT Bearer to a sandbox My Domain served by a production org: "audience is invalid", naming the aud sent', async () => {
        const { reply } = await directLogin({
            ...JWT_FORM,
            sf_env: 'Custom',
            my_domain: 'acme--dev.sandbox.my.salesforce.com',
        });
        assert.equal(reply.status, 502);
        const page = text(reply.body);
        assert.match(page, /did not accept the audience/);
        assert.ok(page.includes(`This assertion's aud was ${stack.config.sandboxUrl}.`));
    });

    it('JWT Bearer when Salesforce\'s clock is ahead of this machine\'s: "expired authorization code" and the clock', async () => {
        stack.sim.settings.clockAheadMs = 10 * 60_000;
        const { reply } = await directLogin(JWT_FORM);
        assert.equal(reply.status, 502);
        assert.match(text(reply.body), /The assertion's expiry was already past .* this machine's clock/);
    });

    it('JWT Bearer to an External Client App that wants its My Domain as aud: app_not_found, then Audience: the My Domain works', async () => {
        stack.sim.settings.jwtAudience = 'my_domain';
        const custom = { ...JWT_FORM, sf_env: 'Custom', my_domain: 'acme.my.salesforce.com' };
        const { reply } = await directLogin(custom);
        assert.equal(reply.status, 502);
        assert.match(text(reply.body), /Audience: the My Domain itself.* error app_not_found/);
        const { html } = await resultOf({ ...custom, audience: 'my_domain' });
        assert.match(html, new RegExp(`&#34;aud&#34;: &#34;${stack.sim.urls.mydomain}&#34;`));
    });

    it('JWT Bearer with Audience: the My Domain but no My Domain picked is refused before any call', async () => {
        const before = stack.sim.stats.tokenRequests;
        const { reply } = await directLogin({ ...JWT_FORM, audience: 'my_domain' });
        assert.equal(reply.status, 400);
        assert.match(reply.body, /id="my_domain_error">The My Domain as the audience needs the My Domain/);
        assert.equal(stack.sim.stats.tokenRequests, before);
    });

    it('JWT Bearer to an org without the External Client App: app_not_found, and the sandbox refresh that causes it', async () => {
        stack.sim.settings.appInstalled = false;
        const { reply } = await directLogin(JWT_FORM);
        assert.equal(reply.status, 502);
        assert.match(text(reply.body), /not copied when a sandbox is created or refreshed/);
    });

    it("the demo's first page links to the simulated app's Setup page, where a Run As user can be taken away", async () => {
        const b = new Browser();
        const index = (await b.request(`${stack.origin}/`)).body;
        const setup = /<a id="simulated-setup" href="([^"]+)"/.exec(index)![1]!;
        const page = await b.request(setup);
        assert.equal(page.status, 200);
        assert.match(text(page.body), /Client Credentials Flow .* Run As/);
    });

    it('the transcript of a Client Credentials result lists the token request, identity and introspection, every secret masked', async () => {
        const { browser, url, html } = await resultOf(CC_FORM);
        const token = accessTokenOf(html)!;
        await browser.post(`${url}/introspect`, {});
        const page = (await browser.request(url)).body;
        const exchanges = exchangesOf(page);
        assert.ok(exchanges.length >= 3, `${exchanges.length} exchanges`);
        assert.match(
            exchanges[0]!,
            /^\s*1\. Token request \(client_credentials\): HTTP 200, \d+ ms POST http:\/\/127\.0\.0\.1:\d+\/services\/oauth2\/token/,
        );
        assert.match(exchanges[0]!, /client_secret=SE…3a/);
        assert.match(exchanges[0]!, /"access_token": "00D5…[A-Za-z0-9_-]{4}"/);
        assert.match(exchanges[0]!, /--data-urlencode "client_secret=\$CLIENT_SECRET"/);
        assert.ok(exchanges.some((e) => /Identity: HTTP 200/.test(e) && /Authorization: Bearer 00D5…/.test(e)));
        assert.ok(exchanges.some((e) => /Token introspection: HTTP 200/.test(e) && /token=00D5…/.test(e)));
        const transcript = page.slice(page.indexOf('id="transcript"'));
        assert.ok(!transcript.includes(token), 'the access token is never in the transcript whole');
        assert.ok(!transcript.includes(SECRET), 'the secret is never in the transcript whole');
    });

    it('the transcript of a JWT Bearer result keeps the assertion header and claims and masks its signature', async () => {
        const { html } = await resultOf(JWT_FORM);
        const [first] = exchangesOf(html);
        const assertion = /assertion=([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.(\S+)/.exec(first!)!;
        assert.equal(JSON.parse(Buffer.from(assertion[2]!, 'base64url').toString()).sub, 'ci.user@test.not');
        assert.match(assertion[3]!, /^[A-Za-z0-9_-]{1,4}…[A-Za-z0-9_-]{1,4}$/);
        assert.match(first!, /--data-urlencode "assertion=\$ASSERTION"/);
    });

    it('a refused token request shows its exchange on the error page', async () => {
        stack.sim.settings.runAsUser = undefined;
        const { reply } = await directLogin(CC_FORM);
        assertSafeHeaders(reply);
        const [first] = exchangesOf(reply.body);
        assert.match(first!, /Token request \(client_credentials\): HTTP 400/);
        assert.match(first!, /"error_description": "no client credentials user enabled"/);
    });

    it('the web server flow gets a transcript too: the code exchange with code and verifier masked', async () => {
        const { html } = await loggedIn(stack);
        const [first] = exchangesOf(html);
        assert.match(first!, /Token request \(authorization_code\): HTTP 200/);
        assert.match(first!, /code=aPrx…\S{4} /);
        assert.match(first!, /code_verifier=\S{1,4}…\S{1,4}/);
        assert.match(first!, /"refresh_token": "5Aep…\S{4}"/);
    });
});

describe('the JWT Bearer key', () => {
    it('GET /jwt/certificate.crt serves a certificate of the configured key, and nothing of the private key', async (t) => {
        const stack = await startStack(t);
        const reply = await new Browser().request(`${stack.origin}/jwt/certificate.crt`);
        assert.equal(reply.status, 200);
        assert.match(
            reply.headers.get('content-disposition') ?? '',
            /^attachment; filename="?sf-oauth-auth-jwt\.crt"?$/,
        );
        assert.doesNotMatch(reply.body, /PRIVATE KEY/);
        const key = await (await testJwtKey()).source();
        assert.ok(new X509Certificate(reply.body).checkPrivateKey(key.privateKey));
    });

    const dir = mkdtempSync(join(tmpdir(), 'sf-oauth-auth-jwt-'));
    const write = (name: string, content: string) => {
        const path = join(dir, name);
        writeFileSync(path, content, { mode: 0o600 });
        return path;
    };
    const pem = (type: 'rsa' | 'ec', bits = 2048) => {
        const { privateKey } =
            type === 'rsa'
                ? generateKeyPairSync('rsa', { modulusLength: bits })
                : generateKeyPairSync('ec', { namedCurve: 'P-256' });
        return privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    };
    const cases: Array<[string, () => string | undefined, RegExp]> = [
        ['no JWT_KEY_FILE', () => undefined, /run npm run jwt-key/],
        ['a JWT_KEY_FILE that does not exist', () => join(dir, 'missing.key'), /could not be read/],
        ['a file that holds no key', () => write('not-a-key.pem', 'hello'), /no unencrypted PEM private key/],
        ['an EC key', () => write('ec.key', pem('ec')), /an ec key; Salesforce verifies RS256 only/],
        [
            'a 1024-bit RSA key',
            () => write('short.key', pem('rsa', 1024)),
            /1024-bit RSA key; Salesforce needs at least 2048/,
        ],
    ];
    for (const [what, path, expected] of cases) {
        it(`JWT Bearer with ${what}: the form again with the reason, and no call to Salesforce`, async (t) => {
            const file = path();
            const stack = await startStack(t, { env: { JWT_KEY_FILE: file ?? '' } });
            const reply = await new Browser().post(`${stack.origin}/login`, JWT_FORM);
            assert.equal(reply.status, 400);
            assert.match(reply.body, /id="flow_error"/);
            assert.match(reply.body, /id="username"[^>]*value="ci\.user@test\.not"/, 'what was typed is kept');
            assert.match(text(reply.body), expected);
            assert.equal(stack.sim.stats.tokenRequests, 0);
            if (file) assert.ok(!reply.body.includes('PRIVATE KEY'));
        });
    }

    it('JWT Bearer with a PKCS#1 key file (openssl genrsa) signs, and Salesforce accepts it', async (t) => {
        const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
        const file = write('pkcs1.key', privateKey.export({ type: 'pkcs1', format: 'pem' }) as string);
        const stack = await startStack(t, {
            env: { JWT_KEY_FILE: file },
            sim: { jwtCertificates: [await selfSignedCertificate(privateKey)] },
        });
        const reply = await new Browser().post(`${stack.origin}/login`, JWT_FORM);
        assert.equal(reply.status, 303, text(reply.body).slice(0, 300));
    });
});
