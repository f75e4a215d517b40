// The simulated OAuth endpoints: authorize (with its login page and error page), token (code and refresh
// grants), and revoke and introspection (token-admin.ts), answering with Salesforce's codes, texts and statuses.
import express, { type Request, type Response, type Router } from 'express';
import { isVerifierShape, randomText, s256Challenge, sameSecret } from './crypto.js';
import { DEMO_OUTCOMES, serveTokenFault } from './faults.js';
import { DEFAULT_USERNAME, INSTANCE_OF, type Realm } from './fixtures.js';
import { field, oauthError, plainError, redirectWith, tokenAnswer, type Form } from './http.js';
import { clientCredentialsGrant, JWT_BEARER_GRANT, jwtBearerGrant } from './server-grants.js';
import { introspect, revoke } from './token-admin.js';
import { prepareSigningKey } from './jwt.js';
import type { Org } from './org.js';
import { loginPage, remoteAccessErrorPage, SESSION_EXPIRED_PAGE } from './pages.js';

type Query = Record<string, string | undefined>;

const SECRET_FIELDS = ['client_secret', 'code_verifier', 'code', 'refresh_token', 'assertion'];

/** Exact match against the app's Callback URLs (any loopback http URL in `acceptAnyClient` mode). */
function registeredCallback(org: Org, uri: string): boolean {
    if (org.settings.callbackUrls.includes(uri)) return true;
    if (!org.settings.acceptAnyClient) return false;
    try {
        const url = new URL(uri);
        return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    } catch {
        return false;
    }
}

/** The errors that Salesforce redirects back to the client with, after client and redirect URI are known good. */
function authorizeRedirectError(org: Org, q: Query): string | undefined {
    if (q.response_type !== 'code') return 'unsupported_response_type:response type not supported';
    if (org.settings.requirePkce && !q.code_challenge) return 'invalid_request:missing required code challenge';
    if (q.code_challenge_method !== undefined && q.code_challenge_method !== 'S256') {
        return 'invalid_request:invalid code challenge method';
    }
    return undefined;
}

/**
 * Salesforce stops a person it will not let log in on its RemoteAccessErrorPage, on the org's My Domain, with
 * the OAuth error in the address (`error=invalid_scope&error_description=the+requested+scope+is+not+allowed`).
 */
function errorPageRedirect(org: Org, realm: Realm, res: Response, error: string, description: string): void {
    const url = new URL('/setup/secur/RemoteAccessErrorPage.apexp', org.urls[INSTANCE_OF[realm]]);
    url.searchParams.set('error', error);
    url.searchParams.set('error_description', description);
    res.redirect(302, url.href);
}

function authorize(org: Org, realm: Realm) {
    return (req: Request, res: Response) => {
        org.stats.authorizeRequests += 1;
        if (org.settings.authorizeHang) return;
        const q = req.query as Query;
        const { settings } = org;
        if (!org.knowsClient(q.client_id)) return plainError(res, 'invalid_client_id', 'client identifier invalid');
        if (!q.redirect_uri) return plainError(res, 'redirect_uri_missing', 'redirect_uri not provided');
        if (!registeredCallback(org, q.redirect_uri)) {
            return plainError(res, 'redirect_uri_mismatch', 'redirect_uri must match configuration');
        }
        const failure = authorizeRedirectError(org, q);
        if (failure) {
            const [error, description] = failure.split(':');
            return redirectWith(res, q.redirect_uri, { error, error_description: description, state: q.state });
        }
        const requested = (q.scope ?? '').split(' ').filter(Boolean);
        // Real orgs redirect to the org's error page rather than answer it (seen in public issue reports).
        if (requested.some((s) => !settings.scopes.includes(s))) {
            return errorPageRedirect(org, realm, res, 'invalid_scope', 'the requested scope is not allowed');
        }
        const scope = requested.length > 0 ? requested : settings.scopes;
        const id = randomText(16, 'hex');
        org.authorizeRequests.set(id, {
            realm,
            site: typeof req.params.site === 'string' ? req.params.site : undefined,
            clientId: q.client_id,
            redirectUri: q.redirect_uri,
            state: q.state,
            nonce: q.nonce,
            challenge: q.code_challenge,
            scope,
        });
        const username = q.login_hint ?? (realm === 'sandbox' ? `${DEFAULT_USERNAME}.sandbox` : DEFAULT_USERNAME);
        res.send(loginPage(realm, id, username, scope));
    };
}

function decision(org: Org, realm: Realm) {
    return (req: Request, res: Response) => {
        const body = req.body as Form;
        const requestId = field(body, 'request');
        const request = requestId ? org.authorizeRequests.get(requestId) : undefined;
        if (!requestId || !request || request.realm !== realm) return void res.status(400).send(SESSION_EXPIRED_PAGE);
        org.authorizeRequests.delete(requestId);
        const back = (params: Record<string, string | undefined>) =>
            redirectWith(res, request.redirectUri, { ...params, state: request.state });
        if (body.decision === 'deny') {
            return back({ error: 'access_denied', error_description: 'end-user denied authorization' });
        }
        const chosen = field(body, 'outcome');
        const outcome = chosen && Object.hasOwn(DEMO_OUTCOMES, chosen) ? DEMO_OUTCOMES[chosen] : undefined;
        if (outcome?.via === 'error_page')
            return errorPageRedirect(org, realm, res, outcome.error, outcome.description);
        const authorizeError = outcome?.via === 'authorize' ? outcome : org.settings.authorizeError;
        const failWith = outcome?.via === 'token' ? outcome : undefined;
        if (authorizeError) return back({ error: authorizeError.error, error_description: authorizeError.description });
        const typed = field(body, 'username')?.trim();
        // Real codes look like aPrx…== and arrive percent-encoded.
        const code = `aPrx${randomText(43, 'base64')}`;
        org.codes.set(code, {
            realm,
            site: request.site,
            clientId: request.clientId,
            redirectUri: request.redirectUri,
            challenge: request.challenge,
            scope: request.scope,
            username: typed ? typed.slice(0, 80) : DEFAULT_USERNAME,
            createdAt: Date.now(),
            used: false,
            nonce: request.nonce,
            failWith: failWith && { error: failWith.error, description: failWith.description },
            idTokenFault: outcome?.via === 'id_token' ? outcome.fault : undefined,
        });
        back({ code });
    };
}

/** Records the request with its secrets replaced by "present", for the tests to read. */
function recordTokenForm(org: Org, realm: Realm, form: Form): void {
    const recorded: Record<string, string> = {};
    for (const [k, v] of Object.entries(form))
        if (typeof v === 'string') recorded[k] = SECRET_FIELDS.includes(k) ? 'present' : v;
    org.stats.lastTokenForm = recorded;
    org.stats.lastTokenRealm = realm;
}

/** Checks the grant type and the client of the code and refresh grants. */
function checkClient(org: Org, form: Form, res: Response): boolean {
    const grant = field(form, 'grant_type');
    if (grant !== 'authorization_code' && grant !== 'refresh_token') {
        oauthError(res, 400, 'unsupported_grant_type', 'grant type not supported');
        return false;
    }
    if (!org.knowsClient(field(form, 'client_id'))) {
        oauthError(res, 400, 'invalid_client_id', 'client identifier invalid');
        return false;
    }
    const secret = field(form, 'client_secret');
    const { requireSecret, clientSecret, acceptAnyClient } = org.settings;
    const wrong = secret === undefined ? requireSecret : !acceptAnyClient && !sameSecret(secret, clientSecret);
    if (wrong) {
        oauthError(res, 400, 'invalid_client', 'invalid client credentials');
        return false;
    }
    // External Client Apps answer this at token and refresh when the app is not installed in the org.
    if (!org.settings.appInstalled) {
        oauthError(res, 400, 'app_not_found', 'External client app is not installed in this org');
        return false;
    }
    return true;
}

/** The key that signs the answer: the app's secret, or in `acceptAnyClient` mode the one presented. */
function signingSecret(org: Org, form: Form): string {
    return (org.settings.acceptAnyClient && field(form, 'client_secret')) || org.settings.clientSecret;
}

function refreshGrant(org: Org, realm: Realm, form: Form, req: Request, res: Response): void {
    const refresh = field(form, 'refresh_token') ?? '';
    // Seen answered by real orgs to clients that send the login's verifier again with a refresh.
    if (field(form, 'code_verifier') !== undefined) {
        return oauthError(res, 400, 'invalid_grant', 'unexpected code verifier');
    }
    const issued = org.token(refresh);
    if (!issued || issued.kind !== 'refresh' || issued.revoked || issued.realm !== realm) {
        return oauthError(res, 400, 'invalid_grant', 'expired access/refresh token');
    }
    if (issued.rotatedOut) {
        org.revokeFamily(issued.family);
        return oauthError(res, 400, 'invalid_grant', 'expired access/refresh token');
    }
    const body = () => org.mint(realm, issued.username, issued.scope, signingSecret(org, form), refresh);
    if (serveTokenFault(org.settings, { req, res, body, trapUrl: `${org.urls.production}/redirect-trap` })) return;
    tokenAnswer(res, body());
}

/** RFC 6749 §4.1.3 and RFC 7636 §4.6, in Salesforce's words. Returns the error to send, if any. */
function codeGrantError(org: Org, realm: Realm, form: Form): [string, string] | undefined {
    const code = org.codes.get(field(form, 'code') ?? '');
    // A code from another realm (sandbox code at the production host) fails like a bad login.
    if (!code || code.clientId !== field(form, 'client_id') || code.realm !== realm) {
        return ['invalid_grant', 'authentication failure'];
    }
    if (code.used || Date.now() - code.createdAt > org.settings.codeTtlMs) {
        return ['invalid_grant', 'expired authorization code'];
    }
    if (field(form, 'redirect_uri') !== code.redirectUri) {
        return ['redirect_uri_mismatch', 'redirect_uri must match configuration'];
    }
    code.used = true;
    if (code.failWith) return [code.failWith.error, code.failWith.description];
    const verifier = field(form, 'code_verifier');
    // Salesforce refuses `~` although RFC 7636 allows it.
    const verified = verifier !== undefined && isVerifierShape(verifier) && s256Challenge(verifier) === code.challenge;
    if (code.challenge !== undefined && !verified) return ['invalid_grant', 'invalid code verifier'];
    return undefined;
}

async function codeGrant(org: Org, realm: Realm, form: Form, req: Request, res: Response): Promise<void> {
    org.stats.codeExchanges += 1;
    const error = codeGrantError(org, realm, form);
    if (error) return oauthError(res, 400, error[0], error[1]);
    const codeValue = field(form, 'code')!;
    const code = org.codes.get(codeValue)!;
    // Only an openid login needs the signing key, which is made in the background at start.
    if (code.scope.includes('openid')) await prepareSigningKey();
    const body = () => {
        const openid = { clientId: code.clientId, nonce: code.nonce, fault: code.idTokenFault };
        const minted = org.mint(
            realm,
            code.username,
            code.scope,
            signingSecret(org, form),
            undefined,
            code.site,
            openid,
        );
        org.stats.tokenForCode.set(codeValue, minted.access_token!);
        return minted;
    };
    if (serveTokenFault(org.settings, { req, res, body, trapUrl: `${org.urls.production}/redirect-trap` })) return;
    tokenAnswer(res, body());
}

function token(org: Org, realm: Realm) {
    return async (req: Request, res: Response) => {
        org.stats.tokenRequests += 1;
        org.stats.lastTokenPath = req.originalUrl;
        const form = req.body as Form;
        const grant = field(form, 'refresh_token') ?? field(form, 'code') ?? '';
        // Salesforce (Summer '24, "Simultaneous Token Requests Are Blocked"): a second request with the
        // same code or refresh token while the first is being answered is refused.
        if (grant !== '' && org.inFlight.has(grant)) {
            return oauthError(res, 400, 'invalid_grant', 'token request is already being processed');
        }
        org.inFlight.add(grant);
        try {
            const delay = org.settings.tokenDelayMs;
            if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
            recordTokenForm(org, realm, form);
            const grantType = field(form, 'grant_type');
            const site = typeof req.params.site === 'string' ? req.params.site : undefined;
            if (grantType === 'client_credentials') return clientCredentialsGrant(org, realm, form, req, res);
            if (grantType === JWT_BEARER_GRANT) return jwtBearerGrant(org, realm, site, form, req, res);
            if (!checkClient(org, form, res)) return;
            if (field(form, 'grant_type') === 'refresh_token') refreshGrant(org, realm, form, req, res);
            else await codeGrant(org, realm, form, req, res);
        } finally {
            org.inFlight.delete(grant);
        }
    };
}

export function oauthRoutes(org: Org, realm: Realm): Router {
    const router = express.Router({ mergeParams: true });
    const form = express.urlencoded({ extended: false, limit: '64kb' });
    router.get('/services/oauth2/authorize', authorize(org, realm));
    router.post('/services/oauth2/authorize/decision', form, decision(org, realm));
    router.post('/services/oauth2/token', form, token(org, realm));
    router.post('/services/oauth2/revoke', form, revoke(org));
    router.post('/services/oauth2/introspect', form, introspect(org, realm));
    router.get('/setup/secur/RemoteAccessErrorPage.apexp', (_req, res) => void res.send(remoteAccessErrorPage()));
    return router;
}
