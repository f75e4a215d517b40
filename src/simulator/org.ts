// The simulated org's state: the app's settings, authorize requests waiting for "Log In", codes, and
// issued tokens with their family (an access token belongs to the refresh token it came from).
import { LRUCache } from 'lru-cache';
import { randomText, responseSignature } from './crypto.js';
import type { Faults } from './faults.js';
import { ORG_IDS, userId, type Realm } from './fixtures.js';

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
    rotateRefreshTokens: boolean;
    codeTtlMs: number;
}

export type SimulatorSettings = AppSettings & Faults;

export interface SimulatorStats {
    tokenRequests: number;
    codeExchanges: number;
    revokes: number;
    redirectTrapHits: number;
    versionLookups: number;
    /** The access token minted for each code, to check that each login ends on its own token. */
    tokenForCode: Map<string, string>;
    /** The last token request's form, with secrets replaced by "present". */
    lastTokenForm?: Record<string, string>;
    lastTokenRealm?: Realm;
}

export interface PendingAuthorize {
    realm: Realm;
    redirectUri: string;
    state?: string;
    challenge?: string;
    scope: string[];
}

export interface IssuedCode {
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

export interface IssuedToken {
    kind: 'access' | 'refresh';
    realm: Realm;
    username: string;
    scope: string[];
    /** For an access token: the refresh token it came from, so revoking that one revokes this too. */
    parent?: string;
    revoked: boolean;
}

export class Org {
    readonly settings: SimulatorSettings;
    readonly stats: SimulatorStats = {
        tokenRequests: 0,
        codeExchanges: 0,
        revokes: 0,
        redirectTrapHits: 0,
        versionLookups: 0,
        tokenForCode: new Map(),
    };
    readonly urls = {} as Record<Realm, string>;
    readonly authorizeRequests = new LRUCache<string, PendingAuthorize>({ max: 50_000, ttl: 30 * 60_000 });
    readonly codes = new LRUCache<string, IssuedCode>({ max: 100_000, ttl: 60 * 60_000 });
    private readonly tokens = new LRUCache<string, IssuedToken>({ max: 200_000 });

    constructor(settings: SimulatorSettings) {
        this.settings = settings;
    }

    token(value: string): IssuedToken | undefined {
        return this.tokens.get(value);
    }

    /** The live access token a `Authorization: Bearer` header carries, if any. */
    bearer(header: string | undefined): IssuedToken | undefined {
        const m = /^Bearer (.+)$/.exec(header ?? '');
        const token = m ? this.tokens.get(m[1]!) : undefined;
        return token && token.kind === 'access' && !token.revoked ? token : undefined;
    }

    /** RFC 7009 §2.1: revoking a refresh token revokes the access tokens issued from it. */
    revoke(value: string, token: IssuedToken): void {
        token.revoked = true;
        if (token.kind !== 'refresh') return;
        for (const [, t] of this.tokens.entries()) if (t.parent === value) t.revoked = true;
    }

    private newRefreshToken(realm: Realm, username: string, scope: string[], previous?: string): string | undefined {
        // "refresh_token" and "offline_access" are one scope ("Perform requests at any time").
        const wantsRefresh = scope.includes('refresh_token') || scope.includes('offline_access');
        if (!wantsRefresh || (previous && !this.settings.rotateRefreshTokens)) return undefined;
        const value = `5Aep861${randomText(40)}`;
        this.tokens.set(value, { kind: 'refresh', realm, username, scope, revoked: false });
        if (previous) this.tokens.get(previous)!.revoked = true;
        return value;
    }

    /** A token response as Salesforce's web server and refresh flows send it; `previous` is the refresh token used. */
    mint(realm: Realm, username: string, scope: string[], previous?: string): Record<string, string> {
        const org = ORG_IDS[realm];
        const accessToken = `${org.slice(0, 15)}!AR${randomText(48)}${this.settings.accessTokenExtra}`;
        const refreshToken = this.newRefreshToken(realm, username, scope, previous);
        const parent = refreshToken ?? previous;
        this.tokens.set(accessToken, { kind: 'access', realm, username, scope, parent, revoked: false });
        const id = `${this.urls[realm]}/id/${org}/${userId(username)}`;
        const issuedAt = String(Date.now());
        const body: Record<string, string> = {
            access_token: accessToken,
            signature: responseSignature(this.settings.clientSecret, id, issuedAt),
            scope: scope.join(' '),
            instance_url: this.urls[realm],
            id,
            token_type: 'Bearer',
            issued_at: issuedAt,
        };
        if (refreshToken) body.refresh_token = refreshToken;
        return body;
    }
}
