// A client nobody here wrote against the simulator: jsforce, which the Salesforce CLI's web login uses, with
// PKCE on (its verifier is 171 characters, over RFC 7636's 128, and real orgs accept it). The README promises
// that it can log in, query and refresh against `npm run simulator`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import jsforce from 'jsforce';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';

const CLIENT_ID = '3MVG9JSFORCE.TEST';
const SECRET = 'jsforce-test-secret';
const CALLBACK = 'http://localhost:1717/OauthRedirect';

describe('jsforce against the simulator', () => {
    let sim: Simulator;
    before(async () => {
        sim = await startSimulator({ clientId: CLIENT_ID, clientSecret: SECRET, callbackUrls: [CALLBACK] });
    });
    after(() => sim.close());

    const settings = () => ({
        loginUrl: sim.urls.production,
        clientId: CLIENT_ID,
        clientSecret: SECRET,
        redirectUri: CALLBACK,
    });

    /** The person's part: the login page and "Log In", as a browser would; returns the code. */
    async function logIn(authorizeUrl: string): Promise<string> {
        const page = await (await fetch(authorizeUrl)).text();
        const request = /name="request" value="([a-f0-9]+)"/.exec(page)?.[1];
        assert.ok(request, 'the simulated login page');
        const decision = await fetch(`${sim.urls.production}/services/oauth2/authorize/decision`, {
            method: 'POST',
            redirect: 'manual',
            body: new URLSearchParams({ request, decision: 'allow', username: 'jsforce@example.com' }),
        });
        const code = new URL(decision.headers.get('location')!).searchParams.get('code');
        assert.ok(code, 'a code on the callback');
        return code;
    }

    it('with PKCE on, logs in, queries at its default API version and refreshes as the Salesforce CLI does', async () => {
        const oauth2 = new jsforce.OAuth2({ ...settings(), useVerifier: true });
        const authorizeUrl = oauth2.getAuthorizationUrl({ scope: 'api refresh_token', state: 'jsforce' });
        assert.equal(
            new URL(authorizeUrl).searchParams.get('code_challenge_method'),
            null,
            'jsforce sends S256 by default',
        );
        assert.equal(oauth2.codeVerifier?.length, 171);
        const conn = new jsforce.Connection({ oauth2 });
        await conn.authorize(await logIn(authorizeUrl));
        assert.ok(conn.accessToken);
        assert.equal(conn.instanceUrl, sim.urls.mydomain);
        assert.equal(conn.version, '50.0');
        const result = await conn.query<{ Name: string }>('SELECT Id, Name FROM Account');
        assert.ok(result.totalSize > 0);
        assert.ok(result.records.every((r) => typeof r.Name === 'string'));

        // The CLI refreshes with an OAuth2 of its own, which sends no verifier.
        const refreshed = await new jsforce.OAuth2(settings()).refreshToken(conn.refreshToken!);
        assert.ok(refreshed.access_token);
        assert.notEqual(refreshed.access_token, conn.accessToken);

        // The login's own OAuth2 sends its verifier with the refresh too: refused as real orgs refuse it.
        await assert.rejects(oauth2.refreshToken(conn.refreshToken!), {
            name: 'invalid_grant',
            message: 'unexpected code verifier',
        });
    });
});
