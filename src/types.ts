// The domain's types, in one module that imports nothing: routes → oauth and salesforce → these types runs one
// way, so no import cycle can form through a type.

/** The environments of the first page; Dev is a Developer Edition org, which logs in at the production host. */
export type Environment = 'Production' | 'Sandbox' | 'Dev' | 'Custom';

/**
 * The OAuth flows the first page offers: the web server flow (a person logs in at Salesforce), and the two an
 * integration uses without a browser (Salesforce help, "OAuth 2.0 Client Credentials Flow for Server-to-Server
 * Integration" and "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration").
 */
export type Flow = 'web_server' | 'client_credentials' | 'jwt_bearer';

/** The grant a token request used, which tells apart errors that share their words. */
export type Grant = 'authorization_code' | 'refresh_token' | 'client_credentials' | 'jwt_bearer';

/** What Salesforce said, as `error` and `error_description`. */
export interface SalesforceError {
    error: string;
    description?: string;
    httpStatus?: number;
    /** The grant the token endpoint refused, when it was the token endpoint: the same words mean more than one thing. */
    grant?: Grant;
}

/** One HTTP answer from Salesforce, as the transport hands it to the pure parsers. */
export interface Reply {
    status: number;
    contentType: string;
    body: string;
    /** The Location header of a redirect, which is read, never followed. */
    location?: string;
}

/**
 * How one page's calls to Salesforce are bounded and timed, passed to the client by the page: its deadline
 * (one for all of the page's calls) and the mark of time spent waiting for Salesforce (for Server-Timing).
 */
export interface CallContext {
    signal?: AbortSignal;
    /** Marks a call as started; returns the function that marks it over. */
    waiting?: () => () => void;
    /** Keeps the exchange, masked, in the transcript of the result the call is made for. */
    record?: (exchange: Exchange) => void;
}

/** One HTTP exchange with Salesforce as a result's transcript keeps it: every secret already masked. */
export interface Exchange {
    readonly method: string;
    readonly url: string;
    /** When it was sent (milliseconds since the epoch) and how long the answer took. */
    readonly startedAt: number;
    readonly ms: number;
    /** The request's form fields, in the order sent. */
    readonly form: ReadonlyArray<readonly [string, string]>;
    /** The bearer token the request carried, masked. */
    readonly bearer?: string;
    readonly status?: number;
    readonly answer?: string;
    /** Why no answer came (a timeout, a refused connection). */
    readonly failure?: string;
    /** The same request as a curl line, with a shell variable where each secret goes. */
    readonly curl: string;
}

/** The JWT a JWT Bearer login sent, decoded: the header and claims, never the signature. */
export interface AssertionShown {
    readonly header: Record<string, unknown>;
    readonly claims: Record<string, unknown>;
}

export interface TokenSet {
    readonly accessToken: string;
    readonly refreshToken?: string;
    readonly instanceUrl: string;
    readonly id: string;
    readonly issuedAt?: string;
    readonly scope?: string;
    readonly tokenType: string;
    /** For an Experience Cloud user: the site the token belongs to (Salesforce help, "OAuth 2.0 Web Server Flow"). */
    readonly communityUrl?: string;
    readonly communityId?: string;
}

export interface Exchanged {
    tokens: TokenSet;
    /** The OpenID Connect id_token, still to be verified. */
    idToken?: string;
    /** True when a signature came and matched; false when there was none or no secret to check it with. */
    signatureVerified: boolean;
}

export interface Identity {
    readonly username?: string;
    readonly displayName?: string;
    readonly email?: string;
    readonly userId?: string;
    readonly organizationId?: string;
    readonly userType?: string;
}

export type QueryOutcome =
    | { ok: true; soql: string; totalSize: number; columns: string[]; rows: string[][]; cut?: string }
    | { ok: false; soql: string; errorCode: string; message: string };

/** What introspection said of the access token (RFC 7662 §2.2; Salesforce help "Token Introspection Endpoint"). */
export type TokenStatus =
    | { kind: 'active'; exp?: number; iat?: number; scope?: string; username?: string }
    | { kind: 'inactive' }
    | { kind: 'refused'; error: SalesforceError };

/** What introspection said last, or why it could not be asked, and when it was asked. */
export type CheckedStatus = (TokenStatus | { kind: 'unknown'; reason: string }) & { checkedAt?: number };

export interface IdTokenClaims {
    sub?: string;
    preferred_username?: string;
    email?: string;
    name?: string;
    exp?: number;
}

export type IdTokenVerdict = { verified: true; claims: IdTokenClaims } | { verified: false; reason: string };

export interface PendingLogin {
    readonly state: string;
    readonly verifier: string;
    /** OpenID Connect Core §3.1.2.1: echoed in the id_token, so a token minted for another login is refused. */
    readonly nonce: string;
    readonly environment: Environment;
    /** The login host shown to the person, e.g. test.salesforce.com. */
    readonly loginHost: string;
    /** Where /authorize went and so where the code must be redeemed (RFC 9700 §4.4.2, mix-up defence). */
    readonly baseUrl: string;
    /**
     * The secret of the tab that started the login, kept in that tab's sessionStorage (origin-scoped, so
     * no other localhost port can read it). Absent when the page ran without JavaScript.
     */
    readonly tab?: string;
    readonly createdAt: number;
}

/** A login whose state matched and whose code waits until its tab proves it started the login. */
export interface AwaitingTab {
    readonly login: PendingLogin;
    readonly browser: string;
    readonly code: string;
}

/** Tokens that can still be used, with what the page learned while using them. */
export interface ActiveSession {
    readonly kind: 'active';
    readonly tokens: TokenSet;
    readonly signatureVerified: boolean;
    apiVersion?: string;
    lastQuery?: QueryOutcome;
    status?: CheckedStatus;
    /** The OpenID Connect identity, when an id_token came back. */
    identityToken?: IdTokenVerdict;
}

/** After a revoke the tokens are forgotten: nothing but the fact remains. */
export interface RevokedSession {
    readonly kind: 'revoked';
    /** Introspection of the revoked access token, asked once after the revoke. */
    readonly status?: CheckedStatus;
}

export interface LoginResult {
    readonly id: string;
    readonly flow: Flow;
    readonly browser: string;
    readonly environment: Environment;
    readonly loginHost: string;
    readonly baseUrl: string;
    /** The org's instance, kept after a revoke forgets the tokens: the page's badge and tab title read it. */
    readonly instanceUrl: string;
    readonly createdAt: number;
    /** Who logged in: set once the identity call answers, which the result page waits for. */
    identity?: Identity;
    identityError?: string;
    session: ActiveSession | RevokedSession;
    /** JWT Bearer: the assertion that was sent. */
    readonly assertion?: AssertionShown;
    /** Every exchange with Salesforce for this result, in order (masked). */
    readonly transcript: { add(exchange: Exchange): void; list(): { exchanges: Exchange[]; dropped: number } };
    /** A one-line outcome of the last action (refresh, revoke), shown once; `fresh` highlights a new token. */
    notice?: { kind: 'ok' | 'error'; text: string; fresh?: boolean };
}

export interface StoreLimits {
    /** How long a started login waits for its callback (15 minutes, like the authorization code). */
    pendingTtlMs: number;
    /** Pending logins across all browsers; the oldest browser's are evicted past it. */
    maxPending: number;
    /** Pending logins per browser (tabs); a newer one evicts the oldest of that browser. */
    maxPendingPerBrowser: number;
    /**
     * When the pending logins are at their cap, the oldest browser's are evicted only if they are at least
     * this old; younger ones are kept and the new login is refused, so a flood cannot push out a person's login.
     */
    protectedPendingMs: number;
    /** States already redeemed, remembered for pendingTtlMs so a replay is named as one. */
    maxUsedStates: number;
    maxResults: number;
    resultTtlMs: number;
    /** Like protectedPendingMs, for results: a result younger than this is never evicted by new logins. */
    protectedResultMs: number;
}
