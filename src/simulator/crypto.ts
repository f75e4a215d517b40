// The simulator's own cryptography, written from the specifications and not shared with the app: if the
// app computed PKCE or the signature wrongly, the simulator would refuse it, as Salesforce would.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** RFC 4648 §5: base64 with `-` and `_` for `+` and `/`, and no padding. */
function base64url(bytes: Buffer): string {
    return bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** RFC 7636 §4.2 (S256): BASE64URL-ENCODE(SHA256(ASCII(code_verifier))). */
export function s256Challenge(verifier: string): string {
    return base64url(createHash('sha256').update(Buffer.from(verifier, 'ascii')).digest());
}

/**
 * RFC 7636 §4.1: at least 43 characters of [A-Z] [a-z] [0-9] - . _ ~. Salesforce refuses `~`, and accepts more
 * than RFC 7636's 128: jsforce, which the Salesforce CLI's web login uses, sends 171 (128 random bytes).
 */
export function isVerifierShape(verifier: string): boolean {
    return /^[A-Za-z0-9\-._]{43,1024}$/.test(verifier);
}

/**
 * Salesforce's token response `signature` (help "OAuth 2.0 Web Server Flow", response parameters):
 * the HMAC-SHA256 of the concatenated `id` and `issued_at`, keyed with the consumer secret, base64-encoded.
 */
export function responseSignature(consumerSecret: string, id: string, issuedAt: string): string {
    const mac = createHmac('sha256', Buffer.from(consumerSecret, 'utf8'));
    mac.update(Buffer.from(`${id}${issuedAt}`, 'utf8'));
    return mac.digest('base64');
}

/** Compares two secrets by their digests, so neither their length nor their content leaks through timing. */
/**
 * OpenID Connect Core §3.1.3.6 (`at_hash`): for RS256, base64url of the left half of SHA-256 of the ASCII
 * access token.
 */
export function accessTokenHash(accessToken: string): string {
    return base64url(createHash('sha256').update(Buffer.from(accessToken, 'ascii')).digest().subarray(0, 16));
}

export function sameSecret(a: string, b: string): boolean {
    const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
    return timingSafeEqual(digest(a), digest(b));
}

export function randomText(bytes: number, encoding: 'base64' | 'base64url' | 'hex' = 'base64url'): string {
    return randomBytes(bytes).toString(encoding);
}
