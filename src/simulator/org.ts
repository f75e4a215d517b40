// The simulated org's state: the app's settings, authorize requests waiting for "Log In", codes, and
// issued tokens with their family (an access token belongs to the refresh token it came from).
import { LRUCache } from 'lru-cache';
import { accessTokenHash, randomText, responseSignature } from './crypto.js';
import { ID_TOKEN_FAULTS, type Faults, type IdTokenFault } from './faults.js';
import { signJwt } from './jwt.js';
import { INSTANCE_OF, ORG_IDS, userId, type Realm } from './fixtures.js';

export interface AppSettings {
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
    /** "Enable Refresh Token Rotation". */
    rotateRefreshTokens: boolean;
    codeTtlMs: number;
    /**
     * Whether introspection needs the Consumer Secret even from an app that does not require it for the
     * web server flow. Salesforce's help asks for client credentials; whether the key alone ever works is
     * not documented, so the simulator refuses it by default.
     */
    introspectionRequiresSecret: boolean;
    /** An External Client App that is not installed in the org answers `app_not_found` at the token endpoint. */
    appInstalled: boolean;
    /** `npm run simulator`: any client id and secret, and any loopback callback, are accepted. */
    acceptAnyClient: boolean;
    /** "Enable Client Credentials Flow". */
    clientCredentialsEnabled: boolean;
    /** The Client Credentials Flow's Run As user (a username); none answers "no client credentials user enabled". */
    runAsUser?: string;
    /** The certificates uploaded for the JWT Bearer flow (PEM); an assertion must verify with one of them. */
    jwtCertificates: string[];
    /** Permitted Users: "Admin approved users are pre-authorized", or "All users may self-authorize". */
    jwtPermittedUsers: 'admin_approved' | 'self_authorize';
    /** The users pre-authorized (by profile or permission set) or who approved the app; `all` for every user. */
    jwtApprovedUsers: 'all' | string[];
    /**
     * The `aud` the app takes on a My Domain: the login host of the org's kind (the documented rule), or the My
     * Domain itself, as External Client Apps in some orgs since Spring '26 want (they refuse the login hosts with
     * `app_not_found`, reported in public issue threads).
     */
    jwtAudience: 'login_host' | 'my_domain';
}

export type SimulatorSettings = AppSettings & Faults;

export interface SimulatorStats {
    /** TCP connections each listener accepted, to prove that a warm connection was reused. */
    connections: Record<Realm, number>;
    authorizeRequests: number;
    tokenRequests: number;
    codeExchanges: number;
    revokes: number;
    redirectTrapHits: number;
    versionLookups: number;
    /** Key sets (`/id/keys`) answered: the first waits for the simulator's signing key to be made. */
    keySetsAnswered: number;
    /** Requests to the identity URL, answered or not. */
    identityRequests: number;
    /** Query answers sent gzip-compressed, because the client asked with Accept-Encoding. */
    gzippedQueries: number;
    /** The access token minted for each code, to check that each login ends on its own token. */
    tokenForCode: Map<string, string>;
    /** The last token request's form, with secrets replaced by "present". */
    lastTokenForm?: Record<string, string>;
    lastTokenRealm?: Realm;
    /** The path the last token request was posted to (a site's path included). */
    lastTokenPath?: string;
}

export interface PendingAuthorize {
    realm: Realm;
    /** The Experience Cloud site path the login went through, if any. */
    site?: string;
    clientId: string;
    redirectUri: string;
    state?: string;
    nonce?: string;
    challenge?: string;
    scope: string[];
}

export interface IssuedCode {
    realm: Realm;
    site?: string;
    clientId: string;
    redirectUri: string;
    challenge?: string;
    scope: string[];
    username: string;
    createdAt: number;
    used: boolean;
    nonce?: string;
    /** Chosen on the login page: the exchange of this code fails with this error. */
    failWith?: { error: string; description: string };
    /** Chosen on the login page: the id_token of this code is wrong in this way. */
    idTokenFault?: IdTokenFault;
}

/** What an OpenID Connect code exchange adds to the token answer. */
export interface OpenIdRequest {
    clientId: string;
    nonce?: string;
    fault?: IdTokenFault;
}

export interface IssuedToken {
    kind: 'access' | 'refresh';
    realm: Realm;
    username: string;
    scope: string[];
    /** For an access token: the refresh token it came from, so revoking that one revokes this too. */
    parent?: string;
    /** Every token descended from one approval; reusing a rotated-out refresh token revokes them all. */
    family: string;
    /** A refresh token replaced by rotation: using it again is treated as theft. */
    rotatedOut?: boolean;
    revoked: boolean;
    /** Milliseconds since the epoch. */
    issuedAt: number;
}

/** The org's session timeout: an access token lives this long (Salesforce's default is 2 hours). */
export const SESSION_TIMEOUT_MS = 2 * 3600_000;

/**
 * A map that forgets its oldest entries past `entries` (and each entry after `ttlMs`). Bounded by size, not by
 * `max`: lru-cache allocates `max` slots up front, about 60 ms for these three, paid by every simulator a
 * test starts; with `maxSize` its storage grows as entries arrive.
 */
function boundedMap<V extends object>(entries: number, ttlMs?: number): LRUCache<string, V> {
    return new LRUCache<string, V>({ maxSize: entries, sizeCalculation: () => 1, ...(ttlMs ? { ttl: ttlMs } : {}) });
}

export class Org {
    readonly settings: SimulatorSettings;
    readonly stats: SimulatorStats = {
        connections: { production: 0, sandbox: 0, mydomain: 0, sandboxdomain: 0 },
        authorizeRequests: 0,
        tokenRequests: 0,
        codeExchanges: 0,
        revokes: 0,
        redirectTrapHits: 0,
        versionLookups: 0,
        keySetsAnswered: 0,
        identityRequests: 0,
        gzippedQueries: 0,
        tokenForCode: new Map(),
    };
    readonly urls = {} as Record<Realm, string>;
    readonly authorizeRequests = boundedMap<PendingAuthorize>(50_000, 30 * 60_000);
    readonly codes = boundedMap<IssuedCode>(100_000, 60 * 60_000);
    private readonly tokens = boundedMap<IssuedToken>(200_000);
    /** Codes and refresh tokens whose token request is being answered right now. */
    readonly inFlight = new Set<string>();

    constructor(settings: SimulatorSettings) {
        this.settings = settings;
    }

    /** Whether this is the Consumer Key of the org's app (any key in `acceptAnyClient` mode). */
    knowsClient(clientId: string | undefined): clientId is string {
        return this.settings.acceptAnyClient ? !!clientId : clientId === this.settings.clientId;
    }

    token(value: string): IssuedToken | undefined {
        return this.tokens.get(value);
    }

    /** A live token: not revoked, and for an access token not past the session timeout. */
    isLive(token: IssuedToken): boolean {
        return !token.revoked && (token.kind !== 'access' || Date.now() - token.issuedAt < SESSION_TIMEOUT_MS);
    }

    /** The live access token a `Authorization: Bearer` header carries, if any. */
    bearer(header: string | undefined): IssuedToken | undefined {
        const m = /^Bearer (.+)$/.exec(header ?? '');
        const token = m ? this.tokens.get(m[1]!) : undefined;
        return token && token.kind === 'access' && this.isLive(token) ? token : undefined;
    }

    /** RFC 7009 §2.1: revoking a refresh token revokes the access tokens issued from it. */
    revoke(value: string, token: IssuedToken): void {
        token.revoked = true;
        if (token.kind !== 'refresh') return;
        for (const [, t] of this.tokens.entries()) if (t.parent === value) t.revoked = true;
    }

    /** Salesforce KB "Refresh Token Rotation": reuse of a rotated-out token revokes the whole family. */
    revokeFamily(family: string): void {
        for (const [, t] of this.tokens.entries()) if (t.family === family) t.revoked = true;
    }

    private newRefreshToken(realm: Realm, username: string, scope: string[], family: string, previous?: string) {
        // "refresh_token" and "offline_access" are one scope ("Perform requests at any time").
        const wantsRefresh = scope.includes('refresh_token') || scope.includes('offline_access');
        if (!wantsRefresh || (previous && !this.settings.rotateRefreshTokens)) return undefined;
        const value = `5Aep861${randomText(40)}`;
        this.tokens.set(value, {
            kind: 'refresh',
            realm,
            username,
            scope,
            family,
            revoked: false,
            issuedAt: Date.now(),
        });
        const old = previous ? this.tokens.get(previous) : undefined;
        if (old) old.rotatedOut = true;
        return value;
    }

    /** The identity URL of a user of the realm's org, served by the listener `host`. */
    identityUrl(host: Realm, realm: Realm, username: string): string {
        return `${this.urls[host]}/id/${ORG_IDS[realm]}/${userId(username)}`;
    }

    /**
     * An access token: of its own family for the grants that issue no refresh token, or of a refresh token's
     * family with that token as its `parent`.
     */
    mintAccessToken(realm: Realm, username: string, scope: string[], family = randomText(8), parent?: string) {
        const accessToken = `${ORG_IDS[realm].slice(0, 15)}!AR${randomText(48)}${this.settings.accessTokenExtra}`;
        this.tokens.set(accessToken, {
            kind: 'access',
            realm,
            username,
            scope,
            parent,
            family,
            revoked: false,
            issuedAt: Date.now(),
        });
        return accessToken;
    }

    /**
     * A token response as Salesforce's web server and refresh flows send it; `previous` is the refresh token
     * used. `secret` signs it (the app's consumer secret, or the one presented in `acceptAnyClient` mode).
     */
    mint(
        realm: Realm,
        username: string,
        scope: string[],
        secret: string,
        previous?: string,
        site?: string,
        openid?: OpenIdRequest,
    ) {
        const family = previous ? (this.tokens.get(previous)?.family ?? randomText(8)) : randomText(8);
        const refreshToken = this.newRefreshToken(realm, username, scope, family, previous);
        const accessToken = this.mintAccessToken(realm, username, scope, family, refreshToken ?? previous);
        const id = this.identityUrl(realm, realm, username);
        const issuedAt = String(this.token(accessToken)!.issuedAt);
        const withIdToken = openid !== undefined && scope.includes('openid');
        // In the order real orgs send the fields (a transcript of the exchange shows it).
        const body: Record<string, string | undefined> = {
            access_token: accessToken,
            refresh_token: refreshToken,
            signature: responseSignature(secret, id, issuedAt),
            scope: scope.join(' '),
            id_token: withIdToken ? this.idToken(realm, id, accessToken, site, openid) : undefined,
            instance_url: this.urls[INSTANCE_OF[realm]],
            id,
            token_type: 'Bearer',
            issued_at: issuedAt,
        };
        if (site) {
            body.sfdc_community_url = `${this.urls[realm]}/${site}`;
            body.sfdc_community_id = '0DB5g000000SimAAA';
        }
        return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) as Record<string, string>;
    }

    /**
     * OpenID Connect Core §2 and §3.1.3.6, with what real Salesforce id_tokens carry: iss (the login host, or the
     * site), sub (the identity URL), aud (the Consumer Key), iat, exp, at_hash, and the nonce when one was sent.
     * Profile and email claims are the userinfo endpoint's, not the id_token's.
     */
    private idToken(realm: Realm, id: string, accessToken: string, site: string | undefined, openid: OpenIdRequest) {
        const iat = Math.floor(Date.now() / 1000);
        const claims: Record<string, unknown> = {
            at_hash: accessTokenHash(accessToken),
            sub: id,
            aud: openid.clientId,
            iss: site ? `${this.urls[realm]}/${site}` : this.urls[realm],
            exp: iat + 300,
            iat,
        };
        if (openid.nonce !== undefined) claims.nonce = openid.nonce;
        const fault = openid.fault ?? this.settings.idTokenFault;
        const final = fault ? ID_TOKEN_FAULTS[fault](claims) : claims;
        return signJwt(final, { forgeSignature: fault === 'bad_signature' });
    }
}
