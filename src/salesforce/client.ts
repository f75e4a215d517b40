// Every call this app makes to Salesforce, each one request through the transport and one pure parser.
import type { JSONWebKeySet } from 'jose';
import { LRUCache } from 'lru-cache';
import type { Config } from '../config.js';
import type {
    CallContext,
    Exchanged,
    Identity,
    QueryOutcome,
    SalesforceError,
    TokenSet,
    TokenStatus,
} from '../types.js';
import { readAuthorizeReply } from './authorize-page.js';
import { endpointUrl } from './hosts.js';
import {
    parseApiVersions,
    parseIdentity,
    parseIntrospection,
    parseKeySet,
    parseQueryResult,
    parseRevokeAnswer,
} from './rest-responses.js';
import { parseTokenResponse } from './token-response.js';
import { createTransport, type Send } from './transport.js';
import { createWarmer, WARM_DEFAULTS } from './warm.js';

/** Each call takes the page's context last: its deadline and the mark of time spent waiting for Salesforce. */
export interface SalesforceClient {
    exchangeCode(baseUrl: string, code: string, verifier: string, call?: CallContext): Promise<Exchanged>;
    refresh(baseUrl: string, tokens: TokenSet, call?: CallContext): Promise<Exchanged>;
    /** The Client Credentials grant at the org's My Domain, as the app's Run As user. */
    clientCredentials(baseUrl: string, call?: CallContext): Promise<Exchanged>;
    /** The JWT Bearer grant with a signed assertion (RFC 7523 §2.1). */
    jwtBearer(baseUrl: string, assertion: string, call?: CallContext): Promise<Exchanged>;
    revoke(baseUrl: string, token: string, call?: CallContext): Promise<SalesforceError | undefined>;
    identity(tokens: TokenSet, call?: CallContext): Promise<Identity>;
    /**
     * The newest API version a host lists at `/services/data/`, which needs no token (REST API Developer Guide,
     * "Versions"); kept ten minutes per host.
     */
    apiVersion(baseUrl: string): Promise<string>;
    query(tokens: TokenSet, apiVersion: string, soql: string, call?: CallContext): Promise<QueryOutcome>;
    /**
     * Opens connections to the login host, and fetches its signing keys and API versions, while the person
     * logs in, so the callback's calls need no new connection and the result page has all it shows.
     */
    warm(baseUrl: string): void;
    /** The login host's id_token signing keys (`/id/keys`), kept ten minutes. */
    signingKeys(baseUrl: string): Promise<JSONWebKeySet>;
    /** RFC 7662 at the login host, with the client's credentials (the Consumer Key alone for a public client). */
    introspect(baseUrl: string, accessToken: string, call?: CallContext): Promise<TokenStatus>;
    /** Asks the authorize endpoint whether it would stop this login on its own page (no cookies, no redirects). */
    preflight(authorizeUrl: URL, timeoutMs: number): Promise<SalesforceError | undefined>;
}

/**
 * A cache of answers that change rarely, keyed by host: the promise is kept, so calls that arrive while the
 * first is in flight share it, and a failure is forgotten so that the next call asks again.
 */
function cachedLookups<T>(ttlMs: number, load: (key: string) => Promise<T>): (key: string) => Promise<T> {
    const cache = new LRUCache<string, Promise<T>>({ max: 200, ttl: ttlMs });
    return (key) => {
        let value = cache.get(key);
        if (!value) {
            value = load(key);
            value.catch(() => cache.delete(key));
            cache.set(key, value);
        }
        return value;
    };
}

/** The calls to the login host's OAuth endpoints, with the app's client credentials. */
function oauthCalls(
    config: Config,
    send: Send,
): Pick<
    SalesforceClient,
    'exchangeCode' | 'refresh' | 'clientCredentials' | 'jwtBearer' | 'revoke' | 'introspect' | 'preflight'
> {
    const tokenUrl = (baseUrl: string) => endpointUrl(baseUrl, config.tokenPath).href;
    const clientAuth = { client_id: config.clientId, client_secret: config.clientSecret };
    return {
        async exchangeCode(baseUrl, code, verifier, call) {
            // RFC 6749 §4.1.3 and RFC 7636 §4.5: the same redirect_uri as /authorize, and the verifier.
            const form = {
                grant_type: 'authorization_code',
                code,
                ...clientAuth,
                redirect_uri: config.callbackUrl,
                code_verifier: verifier,
            };
            const reply = await send('POST', tokenUrl(baseUrl), { form, ...call });
            return parseTokenResponse(reply, { baseUrl, clientSecret: config.clientSecret });
        },

        async refresh(baseUrl, tokens, call) {
            const form = { grant_type: 'refresh_token', refresh_token: tokens.refreshToken, ...clientAuth };
            const reply = await send('POST', tokenUrl(baseUrl), { form, ...call });
            return parseTokenResponse(reply, { baseUrl, clientSecret: config.clientSecret, previous: tokens });
        },

        async clientCredentials(baseUrl, call) {
            // Salesforce help, "OAuth 2.0 Client Credentials Flow": the key and secret in the body (HTTP Basic
            // works too); no scope, since the token gets the app's scopes.
            const form = { grant_type: 'client_credentials', ...clientAuth };
            const reply = await send('POST', tokenUrl(baseUrl), { form, ...call });
            return parseTokenResponse(reply, {
                baseUrl,
                clientSecret: config.clientSecret,
                grant: 'client_credentials',
            });
        },

        async jwtBearer(baseUrl, assertion, call) {
            // RFC 7523 §2.1: the assertion alone authenticates; no client_id or secret is sent.
            const form = { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion };
            const reply = await send('POST', tokenUrl(baseUrl), { form, ...call });
            return parseTokenResponse(reply, { baseUrl, grant: 'jwt_bearer' });
        },

        async revoke(baseUrl, token, call) {
            const url = endpointUrl(baseUrl, '/services/oauth2/revoke').href;
            const reply = await send('POST', url, { form: { token }, ...call });
            return parseRevokeAnswer(reply);
        },

        async introspect(baseUrl, accessToken, call) {
            const form = { token: accessToken, token_type_hint: 'access_token', ...clientAuth };
            const url = endpointUrl(baseUrl, '/services/oauth2/introspect').href;
            const reply = await send('POST', url, { form, ...call });
            return parseIntrospection(reply);
        },

        async preflight(authorizeUrl, timeoutMs) {
            const reply = await send('GET', authorizeUrl.href, { signal: AbortSignal.timeout(timeoutMs) });
            return readAuthorizeReply(reply, config.callbackUrl);
        },
    };
}

/** The calls made with the access token: identity, and the REST API on the org's instance. */
function tokenCalls(send: Send): Pick<SalesforceClient, 'identity' | 'query'> {
    return {
        async identity(tokens, call) {
            return parseIdentity(await send('GET', tokens.id, { bearer: tokens.accessToken, ...call }));
        },

        async query(tokens, apiVersion, soql, call) {
            const url = new URL(`/services/data/v${apiVersion}/query`, tokens.instanceUrl);
            url.searchParams.set('q', soql);
            const reply = await send('GET', url.href, { bearer: tokens.accessToken, compressed: true, ...call });
            return parseQueryResult(reply, soql);
        },
    };
}

export function createSalesforceClient(
    config: Config,
    send: Send = createTransport(config.httpTimeoutMs, config.proxy),
): SalesforceClient {
    const warmHost = createWarmer(send, { ...WARM_DEFAULTS, now: Date.now });
    const signingKeys = cachedLookups(10 * 60_000, async (baseUrl) => {
        return parseKeySet(await send('GET', endpointUrl(baseUrl, '/id/keys').href)) as JSONWebKeySet;
    });
    // An org's API versions change three times a year: one lookup per host for ten minutes is plenty.
    const apiVersion = cachedLookups(10 * 60_000, async (baseUrl) => {
        return parseApiVersions(await send('GET', endpointUrl(baseUrl, '/services/data/').href));
    });
    return {
        ...oauthCalls(config, send),
        ...tokenCalls(send),
        signingKeys,
        apiVersion,
        warm(baseUrl) {
            // Asked once the warm connections are open, on them, so warming opens no more than it keeps.
            void warmHost(baseUrl).then(() => {
                signingKeys(baseUrl).catch(() => undefined);
                if (!config.apiVersion) apiVersion(baseUrl).catch(() => undefined);
            });
        },
    };
}
