// Every way the simulated org can be made to fail, in one place. A token fault is one entry of a table
// keyed by its name, so adding a name without its handler does not compile; one reset clears them all.
import type { Request, Response } from 'express';
import { responseSignature } from './crypto.js';
import { oauthError } from './http.js';

export interface FaultContext {
    req: Request;
    res: Response;
    /** The real token answer, minted only by the faults that need it. */
    body: () => Record<string, string>;
    /** Where a redirect fault points: a trap that counts hits. */
    trapUrl: string;
}

/** Ways the token endpoint can misbehave, each a failure the app must turn into a clear page. */
export const TOKEN_FAULTS = {
    server_error: ({ res }: FaultContext) => {
        res.status(503)
            .set('Retry-After', '120')
            .type('text/html')
            .send('<html><body><h1>Service Unavailable</h1></body></html>');
    },
    html: ({ res }: FaultContext) => {
        res.status(200)
            .type('text/html')
            .send('<html><body><h1>Down for maintenance</h1><script>alert(1)</script></body></html>');
    },
    empty: ({ res }: FaultContext) => void res.status(200).type('application/json').send(''),
    invalid_json: ({ res }: FaultContext) => void res.status(200).type('application/json').send('{"'),
    not_an_object: ({ res }: FaultContext) => void res.status(200).type('application/json').send('[]'),
    no_access_token: ({ res, body }: FaultContext) => {
        const { access_token: _omit, ...rest } = body();
        res.status(200).json(rest);
    },
    non_bearer: ({ res, body }: FaultContext) => void res.status(200).json({ ...body(), token_type: 'mac' }),
    bad_signature: ({ res, body }: FaultContext) =>
        void res.status(200).json({ ...body(), signature: responseSignature('not-the-secret', 'x', '1') }),
    untrusted_instance: ({ res, body }: FaultContext) =>
        void res.status(200).json({ ...body(), instance_url: 'https://evil.example' }),
    // Never answers; the socket is destroyed when the simulator closes.
    hang: () => undefined,
    slow_body: ({ res }: FaultContext) => void res.status(200).type('application/json').write('{"access_token":'),
    reset: ({ req }: FaultContext) => void req.socket.destroy(),
    redirect: ({ res, trapUrl }: FaultContext) => res.redirect(307, trapUrl),
    oversized: ({ res, body }: FaultContext) =>
        void res.status(200).json({ ...body(), padding: 'x'.repeat(300 * 1024) }),
} satisfies Record<string, (context: FaultContext) => void>;

export type TokenFault = keyof typeof TOKEN_FAULTS;

/** Ways an id_token can be wrong, each one check a client must make (OpenID Connect Core §3.1.3.7). */
export const ID_TOKEN_FAULTS = {
    wrong_audience: (claims: Record<string, unknown>) => ({ ...claims, aud: 'another-app' }),
    wrong_nonce: (claims: Record<string, unknown>) => ({ ...claims, nonce: 'not-this-login' }),
    expired: (claims: Record<string, unknown>) => ({
        ...claims,
        iat: Number(claims.iat) - 7200,
        exp: Number(claims.iat) - 3600,
    }),
    // The claims stay right; the signature is spoiled when the token is signed.
    bad_signature: (claims: Record<string, unknown>) => claims,
} satisfies Record<string, (claims: Record<string, unknown>) => Record<string, unknown>>;

export type IdTokenFault = keyof typeof ID_TOKEN_FAULTS;

export interface Faults {
    tokenFault?: TokenFault;
    /** Answer every token request with this OAuth error. */
    tokenError?: { status: number; error: string; description: string };
    /** After "Log In", redirect to the callback with this error instead of a code. */
    authorizeError?: { error: string; description: string };
    /** The authorize endpoint never answers (a slow or unreachable login host). */
    authorizeHang: boolean;
    /** No endpoint answers: connections are accepted and left waiting. */
    silent: boolean;
    identityFault?: 'server_error' | 'hang';
    /** Identity answers wait until this settles: a slow identity endpoint, released when the caller chooses. */
    identityHold?: Promise<unknown>;
    /** Query answers, when gzip is asked for: corrupt, or unpacking to far more than they weigh. */
    queryFault?: 'bad_gzip' | 'gzip_bomb';
    /** Every id_token is wrong in this way. */
    idTokenFault?: IdTokenFault;
    /** Holds every token answer this long before sending it, like a slow network. */
    tokenDelayMs: number;
    /** Holds every API version list (`/services/data/`) this long before sending it. */
    versionsDelayMs: number;
    /** Appended to each new access token, to prove pages treat tokens as text. */
    accessTokenExtra: string;
    /** How far Salesforce's clock is ahead of the client's: a JWT's exp is checked against it. */
    clockAheadMs: number;
}

export const NO_FAULTS: Faults = {
    tokenFault: undefined,
    tokenError: undefined,
    authorizeError: undefined,
    authorizeHang: false,
    silent: false,
    identityFault: undefined,
    identityHold: undefined,
    queryFault: undefined,
    idTokenFault: undefined,
    tokenDelayMs: 0,
    versionsDelayMs: 0,
    clockAheadMs: 0,
    accessTokenExtra: '',
};

/** Serves the configured token fault; returns true, having answered, when there was one. */
export function serveTokenFault(faults: Faults, context: FaultContext): boolean {
    if (faults.tokenError) {
        const e = faults.tokenError;
        oauthError(context.res, e.status, e.error, e.description);
        return true;
    }
    if (faults.tokenFault === undefined) return false;
    TOKEN_FAULTS[faults.tokenFault](context);
    return true;
}

/**
 * What a person can make the simulated login do, from its login page, to see how the app explains each
 * failure. `authorize` errors come back on the callback, `token` errors answer the code exchange, and
 * `error_page` sends the person to Salesforce's own error page, as real orgs do for a scope the app does not
 * allow (the app's preflight catches that one before the person leaves; this shows what it looks like). (A wrong Consumer Key or callback URL
 * stops at Salesforce's own page before this one; the app catches those before it sends the person there.)
 */
export type DemoOutcome =
    | { label: string; via: 'authorize' | 'token' | 'error_page'; error: string; description: string }
    | { label: string; via: 'id_token'; fault: IdTokenFault };

export const DEMO_OUTCOMES: Record<string, DemoOutcome> = {
    scope_not_allowed: {
        label: "A scope the app does not allow (Salesforce's own error page)",
        via: 'error_page',
        error: 'invalid_scope',
        description: 'the requested scope is not allowed',
    },
    not_pre_authorized: {
        label: 'The user is not pre-authorized for this app',
        via: 'authorize',
        error: 'OAUTH_APP_ACCESS_DENIED',
        description: 'user is not admin approved to access this app',
    },
    app_blocked: {
        label: 'An administrator blocked the app',
        via: 'authorize',
        error: 'OAUTH_APP_BLOCKED',
        description: 'this app is blocked by admin',
    },
    inactive_user: {
        label: 'The user is inactive or frozen',
        via: 'authorize',
        error: 'inactive_user',
        description: 'inactive user',
    },
    wrong_secret: {
        label: 'The Consumer Secret in .env is wrong',
        via: 'token',
        error: 'invalid_client',
        description: 'invalid client credentials',
    },
    app_not_installed: {
        label: 'The External Client App is not installed in this org',
        via: 'token',
        error: 'app_not_found',
        description: 'External client app is not installed in this org',
    },
    id_token_wrong_audience: {
        label: 'The id_token is for another app (openid)',
        via: 'id_token',
        fault: 'wrong_audience',
    },
    id_token_wrong_nonce: {
        label: 'The id_token carries another nonce (openid)',
        via: 'id_token',
        fault: 'wrong_nonce',
    },
    id_token_expired: { label: 'The id_token has expired (openid)', via: 'id_token', fault: 'expired' },
    id_token_bad_signature: {
        label: 'The id_token signature is forged (openid)',
        via: 'id_token',
        fault: 'bad_signature',
    },
};
