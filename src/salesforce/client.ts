// Every call this app makes to Salesforce, each one request through the transport and one pure parser.
import type { JSONWebKeySet } from 'jose';
import { LRUCache } from 'lru-cache';
import type { Config } from '../config.js';
import type { SalesforceError } from '../errors.js';
import { endpointUrl } from '../oauth/authorize.js';
import { readAuthorizeReply } from './authorize-page.js';
import {
    parseApiVersions,
    parseIdentity,
    parseIntrospection,
    parseKeySet,
    parseQueryResult,
    parseRevokeAnswer,
    type TokenStatus,
} from './rest-responses.js';
import type { Identity, QueryOutcome } from './rest-responses.js';
import { parseTokenResponse, type Exchanged, type TokenSet } from './token-response.js';
import { createTransport, type Send } from './transport.js';
import { createWarmer } from './warm.js';

export type { Exchanged, Identity, QueryOutcome, TokenSet, TokenStatus };

export interface SalesforceClient {
    exchangeCode(baseUrl: string, code: string, verifier: string): Promise<Exchanged>;
    refresh(baseUrl: string, tokens: TokenSet): Promise<Exchanged>;
    revoke(baseUrl: string, token: string): Promise<SalesforceError | undefined>;
    identity(tokens: TokenSet): Promise<Identity>;
    latestApiVersion(tokens: TokenSet): Promise<string>;
    query(tokens: TokenSet, apiVersion: string, soql: string): Promise<QueryOutcome>;
    /**
     * Opens connections to the login host (and fetches its signing keys) while the person logs in, and keeps
     * them open for a few minutes, so the callback's calls need no new connection.
     */
    warm(baseUrl: string): void;
    /** The login host's id_token signing keys (`/id/keys`), kept ten minutes. */
    signingKeys(baseUrl: string): Promise<JSONWebKeySet>;
    /** RFC 7662 at the login host, with the client's credentials (the Consumer Key alone for a public client). */
    introspect(baseUrl: string, accessToken: string): Promise<TokenStatus>;
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
): Pick<SalesforceClient, 'exchangeCode' | 'refresh' | 'revoke' | 'introspect' | 'preflight'> {
    const tokenUrl = (baseUrl: string) => endpointUrl(baseUrl, config.tokenPath).href;
    const clientAuth = { client_id: config.clientId, client_secret: config.clientSecret };
    return {
        async exchangeCode(baseUrl, code, verifier) {
            // RFC 6749 §4.1.3 and RFC 7636 §4.5: the same redirect_uri as /authorize, and the verifier.
            const form = {
                grant_type: 'authorization_code',
                code,
                ...clientAuth,
                redirect_uri: config.callbackUrl,
                code_verifier: verifier,
            };
            const reply = await send('POST', tokenUrl(baseUrl), { form });
            return parseTokenResponse(reply, { baseUrl, clientSecret: config.clientSecret });
        },

        async refresh(baseUrl, tokens) {
            const form = { grant_type: 'refresh_token', refresh_token: tokens.refreshToken, ...clientAuth };
            const reply = await send('POST', tokenUrl(baseUrl), { form });
            return parseTokenResponse(reply, { baseUrl, clientSecret: config.clientSecret, previous: tokens });
        },

        async revoke(baseUrl, token) {
            const reply = await send('POST', endpointUrl(baseUrl, '/services/oauth2/revoke').href, { form: { token } });
            return parseRevokeAnswer(reply);
        },

        async introspect(baseUrl, accessToken) {
            const form = { token: accessToken, token_type_hint: 'access_token', ...clientAuth };
            const reply = await send('POST', endpointUrl(baseUrl, '/services/oauth2/introspect').href, { form });
            return parseIntrospection(reply);
        },

        async preflight(authorizeUrl, timeoutMs) {
            return readAuthorizeReply(await send('GET', authorizeUrl.href, { timeoutMs }));
        },
    };
}

/** The calls made with the access token: identity, and the REST API on the org's instance. */
function tokenCalls(send: Send): Pick<SalesforceClient, 'identity' | 'latestApiVersion' | 'query'> {
    // An org's API versions change three times a year: one lookup per instance for ten minutes is plenty.
    // `/services/data/` needs no authentication (REST API Developer Guide, "Versions").
    const versions = cachedLookups(10 * 60_000, async (instanceUrl) => {
        return parseApiVersions(await send('GET', new URL('/services/data/', instanceUrl).href));
    });
    return {
        async identity(tokens) {
            return parseIdentity(await send('GET', tokens.id, { bearer: tokens.accessToken }));
        },

        latestApiVersion(tokens) {
            return versions(tokens.instanceUrl);
        },

        async query(tokens, apiVersion, soql) {
            const url = new URL(`/services/data/v${apiVersion}/query`, tokens.instanceUrl);
            url.searchParams.set('q', soql);
            const reply = await send('GET', url.href, { bearer: tokens.accessToken, compressed: true });
            return parseQueryResult(reply, soql);
        },
    };
}

export function createSalesforceClient(
    config: Config,
    send: Send = createTransport(config.httpTimeoutMs, config.proxy),
): SalesforceClient {
    const warmHost = createWarmer(send, { sockets: 2, windowMs: 5 * 60_000, now: Date.now });
    const signingKeys = cachedLookups(10 * 60_000, async (baseUrl) => {
        return parseKeySet(await send('GET', endpointUrl(baseUrl, '/id/keys').href)) as JSONWebKeySet;
    });
    return {
        ...oauthCalls(config, send),
        ...tokenCalls(send),
        signingKeys,
        warm(baseUrl) {
            warmHost(baseUrl);
            signingKeys(baseUrl).catch(() => undefined);
        },
    };
}
