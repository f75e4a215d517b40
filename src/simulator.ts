// A local imitation of Salesforce's login servers and REST API, for the demo and the tests. It follows
// salesforce-oauth.md: the same endpoints, parameters, error codes, texts and status codes. It runs as
// three listeners that share one state: a production login host, a sandbox login host and a My Domain,
// so a code is bound to the realm that issued it exactly as Salesforce binds it.
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response } from 'express';
import { LRUCache } from 'lru-cache';
import { loadConfig, type Config, type Env } from './config.js';
import { codeChallenge, constantTimeEqual, tokenSignature } from './salesforce.js';

export type Realm = 'production' | 'sandbox' | 'mydomain';

/** Ways the token endpoint can misbehave, each a failure the app must turn into a clear page. */
export type TokenFault =
    | 'server_error'
    | 'html'
    | 'empty'
    | 'invalid_json'
    | 'not_an_object'
    | 'no_access_token'
    | 'non_bearer'
    | 'bad_signature'
    | 'untrusted_instance'
    | 'hang'
    | 'slow_body'
    | 'reset'
    | 'redirect'
    | 'oversized';

export interface SimulatorSettings {
    clientId: string;
    /** The app's consumer secret; also the key of every `signature`. */
    clientSecret: string;
    /** "Require Secret for Web Server Flow". */
    requireSecret: boolean;
    /** "Require Proof Key for Code Exchange (PKCE) Extension". */
    requirePkce: boolean;
    callbackUrls: string[];
    /** The app's Selected OAuth Scopes. */
    scopes: string[];
    rotateRefreshTokens: boolean;
    codeTtlMs: number;
    tokenFault?: TokenFault;
    /** Answer every token request with this OAuth error. */
    tokenError?: { status: number; error: string; description: string };
    /** After "Log In", redirect to the callback with this error instead of a code. */
    authorizeError?: { error: string; description: string };
    identityFault?: 'server_error';
    /** Appended to each new access token, to prove pages treat tokens as text. */
    accessTokenExtra: string;
}

export interface SimulatorStats {
    tokenRequests: number;
    codeExchanges: number;
    refreshes: number;
    revokes: number;
    redirectTrapHits: number;
    versionLookups: number;
    /** The access token minted for each code, to check that each login ends on its own token. */
    tokenForCode: Map<string, string>;
    /** The last token request's form, with secrets replaced by "present". */
    lastTokenForm?: Record<string, string>;
    lastTokenRealm?: Realm;
}

export interface Simulator {
    readonly settings: SimulatorSettings;
    readonly stats: SimulatorStats;
    readonly urls: Readonly<Record<Realm, string>>;
    resetFaults(): void;
    close(): Promise<void>;
}

interface AuthorizeRequest {
    realm: Realm;
    redirectUri: string;
    state?: string;
    challenge?: string;
    scope: string[];
    loginHint?: string;
}

interface IssuedCode {
    realm: Realm;
    clientId: string;
    redirectUri: string;
    challenge?: string;
    scope: string[];
    username: string;
    createdAt: number;
    used: boolean;
    /** Chosen on the login page: the exchange of this code fails with this error. */
    failWith?: { error: string; description: string };
}

interface IssuedToken {
    kind: 'access' | 'refresh';
    realm: Realm;
    username: string;
    scope: string[];
    /** For an access token: the refresh token it came from, so revoking that one revokes this too. */
    parent?: string;
    revoked: boolean;
}

const ORG_IDS: Record<Realm, string> = {
    production: '00D5g000004SimAEAS',
    sandbox: '00D1x000000SbxAEAS',
    mydomain: '00D5g000004SimAEAS',
};

export const API_VERSIONS = [
    { label: "Spring '26", url: '/services/data/v66.0', version: '66.0' },
    { label: "Summer '26", url: '/services/data/v67.0', version: '67.0' },
    { label: "Winter '27", url: '/services/data/v68.0', version: '68.0' },
];

const ACCOUNTS = [
    {
        Id: '0015g00000SimA1AAK',
        Name: 'Edge Communications',
        Industry: 'Electronics',
        BillingCity: 'Austin',
        Type: 'Customer - Direct',
    },
    {
        Id: '0015g00000SimA2AAK',
        Name: 'Burlington Textiles Corp of America',
        Industry: 'Apparel',
        BillingCity: 'Burlington',
        Type: 'Customer - Direct',
    },
    {
        Id: '0015g00000SimA3AAK',
        Name: 'Pyramid Construction Inc.',
        Industry: 'Construction',
        BillingCity: 'Paris',
        Type: 'Customer - Channel',
    },
    {
        Id: '0015g00000SimA4AAK',
        Name: 'Dickenson plc',
        Industry: 'Consulting',
        BillingCity: 'Lawrence',
        Type: 'Customer - Channel',
    },
    {
        Id: '0015g00000SimA5AAK',
        Name: 'Grand Hotels & Resorts Ltd',
        Industry: 'Hospitality',
        BillingCity: 'Chicago',
        Type: 'Customer - Direct',
    },
    {
        Id: '0015g00000SimA6AAK',
        Name: 'United Oil & Gas Corp.',
        Industry: 'Energy',
        BillingCity: 'New York',
        Type: 'Customer - Direct',
    },
];

const DEFAULT_USERNAME = 'api.user@test.not';

/**
 * What a person can make the simulated login do, from its login page, to see how the app explains each
 * failure. `authorize` errors come back on the callback; `token` errors answer the code exchange.
 */
export const DEMO_OUTCOMES: Record<string, { via: 'authorize' | 'token'; error: string; description: string }> = {
    not_admin_approved: {
        via: 'authorize',
        error: 'OAUTH_APP_ACCESS_DENIED',
        description: 'user is not admin approved to access this app',
    },
    app_blocked: { via: 'authorize', error: 'OAUTH_APP_BLOCKED', description: 'this app is blocked by admin' },
    inactive_user: { via: 'authorize', error: 'inactive_user', description: 'inactive user' },
    redirect_uri_mismatch: {
        via: 'token',
        error: 'redirect_uri_mismatch',
        description: 'redirect_uri must match configuration',
    },
    wrong_secret: { via: 'token', error: 'invalid_client', description: 'invalid client credentials' },
    wrong_realm: { via: 'token', error: 'invalid_grant', description: 'authentication failure' },
};

function userId(username: string): string {
    return `005${createHash('sha256').update(username).digest('hex').slice(0, 12)}AAA`;
}

function escapeHtml(s: string): string {
    return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// Salesforce answers token errors with these headers (salesforce-oauth.md §2).
function oauthError(res: Response, status: number, error: string, description: string): void {
    // res.end, not res.send: Express would rewrite the charset to "; charset=utf-8".
    res.status(status)
        .set({
            'Content-Type': 'application/json;charset=UTF-8',
            'Cache-Control': 'no-cache, no-store',
            Pragma: 'no-cache',
        })
        .end(JSON.stringify({ error, error_description: description }));
}

/** The authorize endpoint answers a bad client or redirect URI with plain text and no redirect. */
function plainError(res: Response, error: string, description: string): void {
    res.status(400)
        .type('text/plain')
        .send(`error=${error}&error_description=${encodeURIComponent(description)}`);
}

function restError(res: Response, status: number, errorCode: string, message: string): void {
    res.status(status).json([{ message, errorCode }]);
}

function redirectWith(res: Response, redirectUri: string, params: Record<string, string | undefined>): void {
    const url = new URL(redirectUri);
    for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
    res.redirect(302, url.href);
}

function page(title: string, body: string): string {
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>
body{font-family:system-ui,sans-serif;background:#f3f3f3;margin:0;color:#181818}
.banner{background:#8a4b00;color:#fff;padding:.6rem 1rem;text-align:center;font-weight:600}
main{max-width:26rem;margin:2rem auto;background:#fff;border-radius:.5rem;padding:1.5rem 2rem;box-shadow:0 1px 4px #0003}
label{display:block;margin:.8rem 0 .3rem}input,select{width:100%;box-sizing:border-box;padding:.55rem;font-size:1rem;border:1px solid #747474;border-radius:.25rem}
button{margin-top:1rem;padding:.6rem 1.2rem;font-size:1rem;border-radius:.25rem;border:1px solid #0b5cab;cursor:pointer}
.primary{background:#0b5cab;color:#fff;width:100%}.secondary{background:#fff;color:#0b5cab;width:100%}
button:focus-visible,input:focus-visible,select:focus-visible{outline:3px solid #1b96ff;outline-offset:2px}
code{word-break:break-all}</style></head><body>
<div class="banner" role="note">Simulated Salesforce org: no real org, user or data is involved.</div><main>${body}</main></body></html>`;
}

export async function startSimulator(options: Partial<SimulatorSettings> & { clientId: string }): Promise<Simulator> {
    const settings: SimulatorSettings = {
        clientSecret: 'simulated-consumer-secret',
        requireSecret: options.clientSecret !== undefined,
        requirePkce: true,
        callbackUrls: [],
        scopes: ['api', 'refresh_token', 'web'],
        rotateRefreshTokens: false,
        codeTtlMs: 15 * 60_000,
        accessTokenExtra: '',
        ...options,
    };
    const stats: SimulatorStats = {
        tokenRequests: 0,
        codeExchanges: 0,
        refreshes: 0,
        revokes: 0,
        redirectTrapHits: 0,
        versionLookups: 0,
        tokenForCode: new Map(),
    };
    const authorizeRequests = new LRUCache<string, AuthorizeRequest>({ max: 50_000, ttl: 30 * 60_000 });
    const codes = new LRUCache<string, IssuedCode>({ max: 100_000, ttl: 60 * 60_000 });
    const tokens = new LRUCache<string, IssuedToken>({ max: 200_000 });
    const urls = {} as Record<Realm, string>;

    function bearer(req: Request): IssuedToken | undefined {
        const header = req.get('authorization') ?? '';
        const m = /^Bearer (.+)$/.exec(header);
        const token = m ? tokens.get(m[1]) : undefined;
        return token && token.kind === 'access' && !token.revoked ? token : undefined;
    }

    function mintTokens(realm: Realm, username: string, scope: string[], refreshToken?: string) {
        const org = ORG_IDS[realm];
        const accessToken = `${org.slice(0, 15)}!AR${randomBytes(48).toString('base64url')}${settings.accessTokenExtra}`;
        let newRefresh: string | undefined;
        const wantsRefresh = scope.includes('refresh_token') || scope.includes('offline_access');
        if (wantsRefresh && (!refreshToken || settings.rotateRefreshTokens)) {
            newRefresh = `5Aep861${randomBytes(40).toString('base64url')}`;
            tokens.set(newRefresh, { kind: 'refresh', realm, username, scope, revoked: false });
            if (refreshToken) tokens.get(refreshToken)!.revoked = true;
        }
        tokens.set(accessToken, {
            kind: 'access',
            realm,
            username,
            scope,
            parent: newRefresh ?? refreshToken,
            revoked: false,
        });
        const id = `${urls[realm]}/id/${org}/${userId(username)}`;
        const issuedAt = String(Date.now());
        const body: Record<string, string> = {
            access_token: accessToken,
            signature: tokenSignature(settings.clientSecret, id, issuedAt),
            scope: scope.join(' '),
            instance_url: urls[realm],
            id,
            token_type: 'Bearer',
            issued_at: issuedAt,
        };
        if (newRefresh) body.refresh_token = newRefresh;
        return body;
    }

    /** Returns true, having answered, when a fault was served instead of the real answer. */
    function serveTokenFault(req: Request, res: Response, body: () => Record<string, string>): boolean {
        const fault = settings.tokenFault;
        if (settings.tokenError) {
            const e = settings.tokenError;
            oauthError(res, e.status, e.error, e.description);
            return true;
        }
        switch (fault) {
            case undefined:
                return false;
            case 'server_error':
                res.status(503)
                    .set('Retry-After', '120')
                    .type('text/html')
                    .send('<html><body><h1>Service Unavailable</h1></body></html>');
                return true;
            case 'html':
                res.status(200)
                    .type('text/html')
                    .send('<html><body><h1>Down for maintenance</h1><script>alert(1)</script></body></html>');
                return true;
            case 'empty':
                res.status(200).type('application/json').send('');
                return true;
            case 'invalid_json':
                res.status(200).type('application/json').send('{"');
                return true;
            case 'not_an_object':
                res.status(200).type('application/json').send('[]');
                return true;
            case 'no_access_token': {
                const { access_token: _omit, ...rest } = body();
                res.status(200).json(rest);
                return true;
            }
            case 'non_bearer':
                res.status(200).json({ ...body(), token_type: 'mac' });
                return true;
            case 'bad_signature':
                res.status(200).json({ ...body(), signature: tokenSignature('not-the-secret', 'x', '1') });
                return true;
            case 'untrusted_instance':
                res.status(200).json({ ...body(), instance_url: 'https://evil.example' });
                return true;
            case 'hang':
                // Never answers; the socket is destroyed when the simulator closes.
                return true;
            case 'slow_body':
                res.status(200).type('application/json').write('{"access_token":');
                return true;
            case 'reset':
                req.socket.destroy();
                return true;
            case 'redirect':
                res.redirect(307, `${urls.production}/redirect-trap`);
                return true;
            case 'oversized':
                res.status(200).json({ ...body(), padding: 'x'.repeat(5 * 1024 * 1024) });
                return true;
        }
    }

    function buildApp(realm: Realm) {
        const app = express();
        app.disable('x-powered-by');
        app.set('query parser', 'simple');
        const form = express.urlencoded({ extended: false, limit: '64kb' });

        app.get('/', (_req, res) => {
            res.send(
                page(
                    'Simulated Salesforce',
                    `<h1>Simulated Salesforce (${realm})</h1><p>This server imitates Salesforce's login and REST endpoints for sf-oauth-auth.</p>`,
                ),
            );
        });

        app.get('/services/oauth2/authorize', (req, res) => {
            const q = req.query as Record<string, string | undefined>;
            if (q.client_id !== settings.clientId)
                return plainError(res, 'invalid_client_id', 'client identifier invalid');
            if (!q.redirect_uri) return plainError(res, 'redirect_uri_missing', 'redirect_uri not provided');
            if (!settings.callbackUrls.includes(q.redirect_uri)) {
                return plainError(res, 'redirect_uri_mismatch', 'redirect_uri must match configuration');
            }
            if (q.response_type !== 'code') {
                return redirectWith(res, q.redirect_uri, {
                    error: 'unsupported_response_type',
                    error_description: 'response type not supported',
                    state: q.state,
                });
            }
            if (settings.requirePkce && !q.code_challenge) {
                return redirectWith(res, q.redirect_uri, {
                    error: 'invalid_request',
                    error_description: 'missing required code challenge',
                    state: q.state,
                });
            }
            if (q.code_challenge_method !== undefined && q.code_challenge_method !== 'S256') {
                return redirectWith(res, q.redirect_uri, {
                    error: 'invalid_request',
                    error_description: 'invalid code challenge method',
                    state: q.state,
                });
            }
            const requested = (q.scope ?? '').split(' ').filter(Boolean);
            if (requested.some((s) => !settings.scopes.includes(s))) {
                // Salesforce shows its own error page here; the app never hears of it.
                res.status(400).send(
                    page(
                        'Error',
                        `<h1>OAuth Error</h1><p>We can't authorize you because of an OAuth error. For more information, contact your Salesforce administrator.</p><p><code>OAUTH_APPROVAL_ERROR_GENERIC : An unexpected error has occured during authentication. Please try again.</code></p><p>error=invalid_scope&amp;error_description=the requested scope is not allowed</p>`,
                    ),
                );
                return;
            }
            const id = randomBytes(16).toString('hex');
            authorizeRequests.set(id, {
                realm,
                redirectUri: q.redirect_uri,
                state: q.state,
                challenge: q.code_challenge,
                scope: requested.length > 0 ? requested : settings.scopes,
                loginHint: q.login_hint,
            });
            const username = escapeHtml(
                q.login_hint ?? (realm === 'sandbox' ? `${DEFAULT_USERNAME}.sandbox` : DEFAULT_USERNAME),
            );
            res.send(
                page(
                    'Login | Salesforce',
                    `<h1>Log in to the simulated ${realm === 'sandbox' ? 'sandbox' : realm === 'mydomain' ? 'My Domain' : 'production'} org</h1>
<p>Any password works. Logging in approves the app for these scopes: <code>${escapeHtml((requested.length > 0 ? requested : settings.scopes).join(' '))}</code>.</p>
<form method="post" action="/services/oauth2/authorize/decision">
<input type="hidden" name="request" value="${id}">
<label for="username">Username</label><input id="username" name="username" value="${username}" autocomplete="username">
<label for="password">Password</label><input id="password" name="password" type="password" value="simulated" autocomplete="current-password">
<label for="outcome">Simulate</label><select id="outcome" name="outcome">
<option value="">A successful login</option>
${Object.entries(DEMO_OUTCOMES)
    .map(
        ([key, o]) =>
            `<option value="${key}">${o.via === 'authorize' ? 'Login' : 'Token exchange'} fails: ${escapeHtml(o.error)}</option>`,
    )
    .join('')}
</select>
<button class="primary" type="submit" name="decision" value="allow">Log In</button>
<button class="secondary" type="submit" name="decision" value="deny">Deny access</button>
</form>`,
                ),
            );
        });

        app.post('/services/oauth2/authorize/decision', form, (req, res) => {
            const body = req.body as Record<string, unknown>;
            const request = typeof body.request === 'string' ? authorizeRequests.get(body.request) : undefined;
            if (!request || request.realm !== realm) {
                res.status(400).send(
                    page('Error', '<h1>Session expired</h1><p>Start the login again from the app.</p>'),
                );
                return;
            }
            authorizeRequests.delete(body.request as string);
            if (body.decision === 'deny') {
                return redirectWith(res, request.redirectUri, {
                    error: 'access_denied',
                    error_description: 'end-user denied authorization',
                    state: request.state,
                });
            }
            const outcome =
                typeof body.outcome === 'string' && Object.hasOwn(DEMO_OUTCOMES, body.outcome)
                    ? DEMO_OUTCOMES[body.outcome]
                    : undefined;
            if (outcome?.via === 'authorize' || settings.authorizeError) {
                const e = outcome ?? settings.authorizeError!;
                return redirectWith(res, request.redirectUri, {
                    error: e.error,
                    error_description: e.description,
                    state: request.state,
                });
            }
            const username =
                typeof body.username === 'string' && body.username.trim() !== ''
                    ? body.username.trim().slice(0, 80)
                    : DEFAULT_USERNAME;
            // Real codes look like aPrx…== and arrive percent-encoded.
            const code = `aPrx${randomBytes(43).toString('base64')}`;
            codes.set(code, {
                realm,
                clientId: settings.clientId,
                redirectUri: request.redirectUri,
                challenge: request.challenge,
                scope: request.scope,
                username,
                createdAt: Date.now(),
                used: false,
                failWith: outcome,
            });
            redirectWith(res, request.redirectUri, { code, state: request.state });
        });

        app.post('/services/oauth2/token', form, (req, res) => {
            stats.tokenRequests += 1;
            const f = req.body as Record<string, unknown>;
            const field = (name: string) => (typeof f[name] === 'string' ? (f[name] as string) : undefined);
            const recorded: Record<string, string> = {};
            for (const [k, v] of Object.entries(f))
                if (typeof v === 'string')
                    recorded[k] = ['client_secret', 'code_verifier', 'code', 'refresh_token'].includes(k)
                        ? 'present'
                        : v;
            stats.lastTokenForm = recorded;
            stats.lastTokenRealm = realm;

            const grant = field('grant_type');
            if (grant !== 'authorization_code' && grant !== 'refresh_token') {
                return oauthError(res, 400, 'unsupported_grant_type', 'grant type not supported');
            }
            if (field('client_id') !== settings.clientId)
                return oauthError(res, 400, 'invalid_client_id', 'client identifier invalid');
            const secret = field('client_secret');
            if (
                (secret === undefined && settings.requireSecret) ||
                (secret !== undefined && !constantTimeEqual(secret, settings.clientSecret))
            ) {
                return oauthError(res, 400, 'invalid_client', 'invalid client credentials');
            }

            if (grant === 'refresh_token') {
                stats.refreshes += 1;
                const refresh = field('refresh_token') ?? '';
                const issued = tokens.get(refresh);
                if (!issued || issued.kind !== 'refresh' || issued.revoked || issued.realm !== realm) {
                    return oauthError(res, 400, 'invalid_grant', 'expired access/refresh token');
                }
                const body = () => mintTokens(realm, issued.username, issued.scope, refresh);
                if (serveTokenFault(req, res, body)) return;
                res.set({ 'Cache-Control': 'no-cache, no-store', Pragma: 'no-cache' }).json(body());
                return;
            }

            stats.codeExchanges += 1;
            const codeValue = field('code') ?? '';
            const code = codes.get(codeValue);
            if (!code || code.clientId !== settings.clientId || code.realm !== realm) {
                // A code from another realm (sandbox code at the production host) fails like a bad login.
                return oauthError(res, 400, 'invalid_grant', 'authentication failure');
            }
            if (code.used || Date.now() - code.createdAt > settings.codeTtlMs) {
                return oauthError(res, 400, 'invalid_grant', 'expired authorization code');
            }
            // RFC 6749 §4.1.3: the redirect_uri must be identical to the one sent to /authorize.
            if (field('redirect_uri') !== code.redirectUri) {
                return oauthError(res, 400, 'redirect_uri_mismatch', 'redirect_uri must match configuration');
            }
            code.used = true;
            if (code.failWith) return oauthError(res, 400, code.failWith.error, code.failWith.description);
            const verifier = field('code_verifier');
            if (code.challenge !== undefined) {
                // Salesforce refuses `~` although RFC 7636 allows it (salesforce-oauth.md §4).
                if (!verifier || verifier.includes('~') || codeChallenge(verifier) !== code.challenge) {
                    return oauthError(res, 400, 'invalid_grant', 'invalid code verifier');
                }
            }
            const body = () => {
                const minted = mintTokens(realm, code.username, code.scope);
                stats.tokenForCode.set(codeValue, minted.access_token);
                return minted;
            };
            if (serveTokenFault(req, res, body)) return;
            res.set({ 'Cache-Control': 'no-cache, no-store', Pragma: 'no-cache' }).json(body());
        });

        app.post('/services/oauth2/revoke', form, (req, res) => {
            stats.revokes += 1;
            const token = (req.body as Record<string, unknown>).token;
            const issued = typeof token === 'string' ? tokens.get(token) : undefined;
            if (typeof token !== 'string' || token === '')
                return oauthError(res, 400, 'unsupported_token_type', 'token type not supported');
            if (!issued || issued.revoked) return oauthError(res, 400, 'invalid_token', 'invalid token');
            issued.revoked = true;
            if (issued.kind === 'refresh') {
                for (const [, t] of tokens.entries()) if (t.parent === token) t.revoked = true;
            }
            res.status(200).send('');
        });

        const identity = (req: Request, res: Response) => {
            const token = bearer(req);
            if (settings.identityFault === 'server_error') {
                res.status(500).type('text/plain').send('Internal Server Error');
                return;
            }
            if (!token || token.realm !== realm) {
                res.status(403).type('text/plain').send('Bad_OAuth_Token');
                return;
            }
            const org = ORG_IDS[token.realm];
            const uid = userId(token.username);
            if (req.params.org !== undefined && (req.params.org !== org || req.params.user !== uid)) {
                res.status(404).type('text/plain').send('Not Found');
                return;
            }
            const local = token.username.split('@')[0] ?? token.username;
            res.json({
                id: `${urls[realm]}/id/${org}/${uid}`,
                asserted_user: true,
                user_id: uid,
                organization_id: org,
                username: token.username,
                nick_name: local,
                display_name: `${local} (simulated)`,
                email: token.username.includes('@') ? token.username : `${local}@example.com`,
                email_verified: true,
                first_name: 'API',
                last_name: 'User',
                timezone: 'America/Los_Angeles',
                active: true,
                user_type: 'STANDARD',
                language: 'en_US',
                locale: 'en_US',
                utcOffset: -28800000,
                urls: {
                    rest: `${urls[realm]}/services/data/v{version}/`,
                    query: `${urls[realm]}/services/data/v{version}/query/`,
                },
                is_app_installed: true,
            });
        };
        app.get('/id/:org/:user', identity);

        app.get('/services/oauth2/userinfo', (req, res) => {
            const token = bearer(req);
            if (!token) {
                res.status(403).type('text/plain').send('Bad_OAuth_Token');
                return;
            }
            const org = ORG_IDS[token.realm];
            const uid = userId(token.username);
            res.json({
                sub: `${urls[realm]}/id/${org}/${uid}`,
                user_id: uid,
                organization_id: org,
                preferred_username: token.username,
                name: `${token.username.split('@')[0]} (simulated)`,
                email: token.username,
                email_verified: true,
                user_type: 'STANDARD',
                active: true,
            });
        });

        app.get('/services/data/', (_req, res) => {
            stats.versionLookups += 1;
            res.json(API_VERSIONS);
        });

        app.get('/services/data/:version/query', (req, res) => {
            const token = bearer(req);
            if (!token) return restError(res, 401, 'INVALID_SESSION_ID', 'Session expired or invalid');
            if (!API_VERSIONS.some((v) => `v${v.version}` === req.params.version)) {
                return restError(res, 404, 'NOT_FOUND', 'The requested resource does not exist');
            }
            const soql = typeof req.query.q === 'string' ? req.query.q : '';
            const m =
                /^\s*SELECT\s+([\w\s,.]+?)\s+FROM\s+(\w+)(?:\s+ORDER\s+BY\s+(\w+)(?:\s+(?:ASC|DESC))?)?(?:\s+LIMIT\s+(\d+))?\s*$/i.exec(
                    soql,
                );
            if (!m) {
                const word = /\bFROM\b/i.test(soql) ? soql.trim().split(/\s+/).slice(-1)[0] : 'EOF';
                return restError(res, 400, 'MALFORMED_QUERY', `unexpected token: '${word ?? 'EOF'}'`);
            }
            const [, fieldList, object, , limit] = m;
            if (object!.toLowerCase() !== 'account') {
                return restError(
                    res,
                    400,
                    'INVALID_TYPE',
                    `sObject type '${object}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
                );
            }
            const fields = fieldList!.split(',').map((f) => f.trim());
            const known = Object.keys(ACCOUNTS[0]!);
            const unknown = fields.find((f) => !known.some((k) => k.toLowerCase() === f.toLowerCase()));
            if (unknown !== undefined) {
                return restError(
                    res,
                    400,
                    'INVALID_FIELD',
                    `No such column '${unknown}' on entity 'Account'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
                );
            }
            const rows = ACCOUNTS.slice(0, limit === undefined ? ACCOUNTS.length : Number(limit));
            const records = rows.map((a) => {
                const record: Record<string, unknown> = {
                    attributes: {
                        type: 'Account',
                        url: `/services/data/${req.params.version}/sobjects/Account/${a.Id}`,
                    },
                };
                for (const f of fields) {
                    const key = known.find((k) => k.toLowerCase() === f.toLowerCase()) as keyof typeof a;
                    record[key] = a[key];
                }
                return record;
            });
            res.json({ totalSize: records.length, done: true, records });
        });

        app.all('/redirect-trap', (_req, res) => {
            stats.redirectTrapHits += 1;
            res.status(200).json({ access_token: 'should-never-be-used', token_type: 'Bearer' });
        });

        return app;
    }

    const servers: http.Server[] = [];
    for (const realm of ['production', 'sandbox', 'mydomain'] as const) {
        const server = http.createServer(buildApp(realm));
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        servers.push(server);
        urls[realm] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    }

    return {
        settings,
        stats,
        urls,
        resetFaults() {
            Object.assign(settings, {
                tokenFault: undefined,
                tokenError: undefined,
                authorizeError: undefined,
                identityFault: undefined,
                accessTokenExtra: '',
            });
        },
        async close() {
            await Promise.all(
                servers.map(
                    (s) =>
                        new Promise<void>((resolve) => {
                            s.close(() => resolve());
                            s.closeAllConnections();
                        }),
                ),
            );
        },
    };
}

/**
 * The app's configuration for a simulated org: the simulator's production and sandbox listeners as login
 * hosts, every My Domain routed to its third listener, and the app's callback URL registered with it.
 */
export function simulatedConfig(simulator: Simulator, env: Env): Config {
    const config: Config = {
        ...loadConfig({
            BASE_SALESFORCE_PRODUCTION_URL: simulator.urls.production,
            BASE_SALESFORCE_SANDBOX_URL: simulator.urls.sandbox,
            ...env,
        }),
        simulation: { myDomainUrl: simulator.urls.mydomain },
    };
    simulator.settings.callbackUrls = [config.callbackUrl];
    return config;
}
