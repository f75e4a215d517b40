// The app's cryptography, in one place: random values, PKCE, Salesforce's response signature and
// constant-time comparison. The store and the routes import it; the HTTP client does not own it.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** base64url(32 random bytes): 43 characters, 256 bits, only characters Salesforce accepts (no `~`). */
export function randomToken(): string {
    return randomBytes(32).toString('base64url');
}

/** RFC 7636 §4.2: code_challenge = base64url(SHA-256(ASCII(code_verifier))). */
export function codeChallenge(verifier: string): string {
    return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** Salesforce's `signature`: base64(HMAC-SHA256(key = client secret, message = id + issued_at)). */
export function tokenSignature(secret: string, id: string, issuedAt: string): string {
    return createHmac('sha256', secret)
        .update(id + issuedAt)
        .digest('base64');
}

/** Compares two secrets (state, cookie, signature) in time that does not depend on where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && timingSafeEqual(x, y);
}
