// OpenID Connect Core §3.1.3.7: an id_token is the person's identity only after its signature (against the
// login host's published keys), issuer, audience, times and nonce all check out. jose does the JOSE part.
import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet } from 'jose';
import type { IdTokenClaims, IdTokenVerdict } from '../types.js';

export interface IdTokenExpectations {
    /** The login host's URL: Salesforce's `iss`. */
    issuer: string;
    /** The Consumer Key: the id_token's `aud`. */
    audience: string;
    nonce: string;
    /** Seconds since the epoch; tests pass their own. */
    now?: number;
}

/**
 * The login host's keys, imported once per key set: the client keeps one key set per host for ten minutes,
 * and importing an RSA key on every login would cost more than checking the signature.
 */
const imported = new WeakMap<JSONWebKeySet, ReturnType<typeof createLocalJWKSet>>();

function keySet(keys: JSONWebKeySet): ReturnType<typeof createLocalJWKSet> {
    let set = imported.get(keys);
    if (!set) {
        set = createLocalJWKSet(keys);
        imported.set(keys, set);
    }
    return set;
}

/** Clock skew allowed on `exp` and `iat`, in seconds. */
const CLOCK_TOLERANCE = 60;

function reasonOf(err: unknown): string {
    if (err instanceof errors.JWSSignatureVerificationFailed)
        return 'its signature does not match the login host’s keys';
    if (err instanceof errors.JWTExpired) return 'it has expired';
    if (err instanceof errors.JWKSNoMatchingKey) return 'it is signed with a key the login host does not publish';
    if (err instanceof errors.JWTClaimValidationFailed) {
        if (err.claim === 'iss') return 'its issuer (iss) is not the login host';
        if (err.claim === 'aud') return 'its audience (aud) is not this app’s Consumer Key';
        return `its ${err.claim} claim is not valid`;
    }
    return 'it is not a valid signed token';
}

function text(value: unknown): string | undefined {
    return typeof value === 'string' ? value : undefined;
}

/** OpenID Connect Core §3.1.3.7 (9, 10): the token was issued moments ago, in this login's code exchange. */
const MAX_AGE_SECONDS = 10 * 60;
/** No id_token lives longer than a day: Salesforce's live minutes, and a far-off `exp` is a forged one. */
const MAX_LIFETIME_SECONDS = 24 * 3600;

/** The checks jose leaves to the relying party; undefined when they all pass. */
function claimProblem(payload: Record<string, unknown>, expected: IdTokenExpectations): string | undefined {
    // §3.1.3.7 (4, 5): with several audiences, `azp` must be there and be this client.
    if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp !== expected.audience) {
        return 'it names several audiences and is not authorised for this app (azp)';
    }
    if (payload.azp !== undefined && payload.azp !== expected.audience) {
        return 'it was issued to another app (azp)';
    }
    if (typeof payload.sub !== 'string' || payload.sub === '') return 'its subject (sub) is not text';
    const { iat, exp } = payload as { iat: number; exp: number };
    if (exp - iat > MAX_LIFETIME_SECONDS) return 'it claims to live longer than a day';
    if (payload.nonce !== expected.nonce) return 'its nonce is not the one this login sent';
    return undefined;
}

export async function verifyIdToken(
    idToken: string,
    keys: JSONWebKeySet,
    expected: IdTokenExpectations,
): Promise<IdTokenVerdict> {
    try {
        const { payload } = await jwtVerify(idToken, keySet(keys), {
            issuer: expected.issuer,
            audience: expected.audience,
            algorithms: ['RS256'],
            clockTolerance: CLOCK_TOLERANCE,
            // Also refuses an `iat` in the future (beyond the tolerance).
            maxTokenAge: MAX_AGE_SECONDS,
            currentDate: expected.now === undefined ? undefined : new Date(expected.now * 1000),
            requiredClaims: ['iat', 'exp', 'sub'],
        });
        const problem = claimProblem(payload, expected);
        if (problem) return { verified: false, reason: problem };
        const claims: IdTokenClaims = {
            sub: text(payload.sub),
            preferred_username: text(payload.preferred_username),
            email: text(payload.email),
            name: text(payload.name),
            exp: typeof payload.exp === 'number' ? payload.exp : undefined,
        };
        return { verified: true, claims };
    } catch (err) {
        return { verified: false, reason: reasonOf(err) };
    }
}
