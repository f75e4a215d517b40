// The simulator's Client Credentials and JWT Bearer grants, asked directly (not through the app), with
// assertions signed here with node:crypto: the simulator is checked against the specifications, so a client
// that signed or addressed its assertion wrongly would be refused as Salesforce refuses it.
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { selfSignedCertificate } from '../../src/oauth/jwt-key.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';

const CLIENT_ID = '3MVG9SIM.GRANTS';
const SECRET = 'simulator-grants-secret';
const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** RFC 7515 §7.1 with RS256, written here: base64url(header).base64url(claims).base64url(signature). */
function signJwt(claims: Record<string, unknown>, key: KeyObject, header: Record<string, unknown> = { alg: 'RS256' }) {
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const input = `${part(header)}.${part(claims)}`;
    return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

describe('simulator: Client Credentials and JWT Bearer', () => {
    let sim: Simulator;
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    before(async () => {
        sim = await startSimulator({ clientId: CLIENT_ID, clientSecret: SECRET });
        sim.settings.jwtCertificates = [await selfSignedCertificate(privateKey)];
    });
    after(() => sim.close());
    beforeEach(() => {
        sim.resetFaults();
        Object.assign(sim.settings, {
            appInstalled: true,
            clientCredentialsEnabled: true,
            runAsUser: 'runas@test.not',
            jwtPermittedUsers: 'admin_approved',
            jwtApprovedUsers: 'all',
            jwtAudience: 'login_host',
        });
    });

    async function token(realm: keyof Simulator['urls'], form: Record<string, string>, headers = {}) {
        const reply = await fetch(`${sim.urls[realm]}/services/oauth2/token`, {
            method: 'POST',
            body: new URLSearchParams(form),
            headers,
        });
        return { status: reply.status, body: (await reply.json()) as Record<string, string> };
    }

    const cc = { grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: SECRET };

    for (const realm of ['production', 'sandbox'] as const) {
        it(`Client Credentials at the ${realm} login host: 400 "request not supported on this domain"`, async () => {
            const { status, body } = await token(realm, cc);
            assert.equal(status, 400);
            assert.deepEqual(body, {
                error: 'invalid_grant',
                error_description: 'request not supported on this domain',
            });
        });
    }

    it('Client Credentials at the My Domain: a token for the Run As user, signed, with no refresh token and the id on the login host', async () => {
        const { status, body } = await token('mydomain', cc);
        assert.equal(status, 200);
        assert.deepEqual(Object.keys(body), [
            'access_token',
            'signature',
            'scope',
            'instance_url',
            'id',
            'token_type',
            'issued_at',
        ]);
        assert.ok(body.id!.startsWith(`${sim.urls.production}/id/`));
        assert.equal(body.instance_url, sim.urls.mydomain);
        const identity = await fetch(body.id!, { headers: { authorization: `Bearer ${body.access_token}` } });
        assert.equal(((await identity.json()) as { username: string }).username, 'runas@test.not');
    });

    it('Client Credentials with HTTP Basic client authentication (RFC 6749 §2.3.1) works like the form', async () => {
        const basic = Buffer.from(`${CLIENT_ID}:${SECRET}`).toString('base64');
        const { status } = await token(
            'mydomain',
            { grant_type: 'client_credentials' },
            { authorization: `Basic ${basic}` },
        );
        assert.equal(status, 200);
    });

    const ccRefusals: Array<[string, () => void, Record<string, string>, [string, string]]> = [
        [
            'a wrong secret',
            () => undefined,
            { client_secret: 'wrong' },
            ['invalid_client', 'invalid client credentials'],
        ],
        ['an unknown key', () => undefined, { client_id: 'nope' }, ['invalid_client_id', 'client identifier invalid']],
        [
            'the flow off',
            () => (sim.settings.clientCredentialsEnabled = false),
            {},
            ['invalid_client', 'client credentials flow not enabled for this connected app'],
        ],
        [
            'no Run As user',
            () => (sim.settings.runAsUser = undefined),
            {},
            ['invalid_grant', 'no client credentials user enabled'],
        ],
    ];
    for (const [what, arrange, form, [error, description]] of ccRefusals) {
        it(`Client Credentials with ${what}: 400 ${error} "${description}"`, async () => {
            arrange();
            const { status, body } = await token('mydomain', { ...cc, ...form });
            assert.equal(status, 400);
            assert.deepEqual(body, { error, error_description: description });
        });
    }

    const claims = (extra: Record<string, unknown> = {}) => ({
        iss: CLIENT_ID,
        sub: 'ci@test.not',
        aud: sim.urls.production,
        exp: Math.floor(Date.now() / 1000) + 180,
        ...extra,
    });

    it('JWT Bearer at the My Domain with aud = the login host: a token with no refresh token, signature or issued_at', async () => {
        const { status, body } = await token('mydomain', {
            grant_type: JWT_GRANT,
            assertion: signJwt(claims(), privateKey),
        });
        assert.equal(status, 200);
        assert.deepEqual(Object.keys(body), ['access_token', 'scope', 'instance_url', 'id', 'token_type']);
        assert.doesNotMatch(body.scope!, /refresh_token/);
    });

    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const jwtRefusals: Array<[string, () => string, [string, string]]> = [
        ['signed by another key', () => signJwt(claims(), other), ['invalid_grant', 'invalid assertion']],
        ['alg none', () => signJwt(claims(), privateKey, { alg: 'none' }), ['invalid_grant', 'invalid assertion']],
        ['HS256', () => signJwt(claims(), privateKey, { alg: 'HS256' }), ['invalid_grant', 'invalid assertion']],
        ['not a JWT', () => 'hello', ['invalid_grant', 'invalid assertion']],
        [
            'iss another app',
            () => signJwt(claims({ iss: 'other' }), privateKey),
            ['invalid_client_id', 'client identifier invalid'],
        ],
        [
            'aud the sandbox host',
            () => signJwt(claims({ aud: sim.urls.sandbox }), privateKey),
            ['invalid_grant', 'audience is invalid'],
        ],
        [
            'aud the My Domain',
            () => signJwt(claims({ aud: sim.urls.mydomain }), privateKey),
            ['invalid_grant', 'audience is invalid'],
        ],
        [
            'exp past',
            () => signJwt(claims({ exp: Math.floor(Date.now() / 1000) - 1 }), privateKey),
            ['invalid_grant', 'expired authorization code'],
        ],
        [
            'exp in milliseconds far ahead (accepted, as sfdx-core sends it)',
            () => signJwt(claims({ exp: Date.now() + 300 }), privateKey),
            ['', ''],
        ],
    ];
    for (const [what, make, [error, description]] of jwtRefusals) {
        it(`JWT Bearer ${what}: ${error ? `400 ${error} "${description}"` : '200'}`, async () => {
            const { status, body } = await token('mydomain', { grant_type: JWT_GRANT, assertion: make() });
            if (!error) return assert.equal(status, 200);
            assert.equal(status, 400);
            assert.deepEqual(body, { error, error_description: description });
        });
    }

    it('JWT Bearer for a user outside an admin-approved app: 400 invalid_app_access; self-authorize: "user hasn\'t approved this consumer"', async () => {
        sim.settings.jwtApprovedUsers = ['someone@test.not'];
        const assertion = signJwt(claims(), privateKey);
        assert.equal((await token('mydomain', { grant_type: JWT_GRANT, assertion })).body.error, 'invalid_app_access');
        sim.settings.jwtPermittedUsers = 'self_authorize';
        assert.deepEqual((await token('mydomain', { grant_type: JWT_GRANT, assertion })).body, {
            error: 'invalid_grant',
            error_description: "user hasn't approved this consumer",
        });
        sim.settings.jwtApprovedUsers = ['ci@test.not'];
        assert.equal((await token('mydomain', { grant_type: JWT_GRANT, assertion })).status, 200);
    });

    it('an app that wants its My Domain as aud refuses the login host as app_not_found and takes the My Domain', async () => {
        sim.settings.jwtAudience = 'my_domain';
        const login = await token('mydomain', { grant_type: JWT_GRANT, assertion: signJwt(claims(), privateKey) });
        assert.deepEqual(login.body, {
            error: 'app_not_found',
            error_description: 'External client app is not installed in this org',
        });
        const own = signJwt(claims({ aud: sim.urls.mydomain }), privateKey);
        assert.equal((await token('mydomain', { grant_type: JWT_GRANT, assertion: own })).status, 200);
    });

    it('the setup page changes the Run As user from its own origin only', async () => {
        const post = (headers: Record<string, string>) =>
            fetch(`${sim.urls.production}/setup`, {
                method: 'POST',
                body: new URLSearchParams({
                    cc_enabled: 'on',
                    run_as: 'changed@test.not',
                    permitted: 'admin_approved',
                    approved: 'all',
                }),
                headers,
            });
        assert.equal((await post({ origin: 'http://localhost:1' })).status, 403);
        assert.equal(sim.settings.runAsUser, 'runas@test.not');
        assert.equal((await post({ origin: sim.urls.production })).status, 200);
        assert.equal(sim.settings.runAsUser, 'changed@test.not');
    });
});
