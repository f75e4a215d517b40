// The simulated login host's id_tokens: RS256 JSON Web Tokens (RFC 7519, RFC 7515 §5.1) signed with
// node:crypto, and the key set they verify against (RFC 7517), written here from the specifications.
import { generateKeyPair, sign, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { randomText } from './crypto.js';

interface SigningKey {
    kid: string;
    privateKey: KeyObject;
    publicJwk: Record<string, unknown>;
}

let key: SigningKey | undefined;
let making: Promise<SigningKey> | undefined;

/**
 * One RSA key per process, made in the background (off the event loop) when the first simulator starts,
 * and awaited by the token endpoint before it signs anything.
 */
export function prepareSigningKey(): Promise<SigningKey> {
    making ??= promisify(generateKeyPair)('rsa', { modulusLength: 2048 }).then(({ privateKey, publicKey }) => {
        const kid = randomText(6, 'hex');
        key = { kid, privateKey, publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } };
        return key;
    });
    return making;
}

function signingKey(): SigningKey {
    if (!key) throw new Error('prepareSigningKey() was not awaited');
    return key;
}

function base64url(data: Buffer | string): string {
    return Buffer.from(data).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The key set served at `/id/keys`. */
export async function keySet(): Promise<{ keys: Array<Record<string, unknown>> }> {
    return { keys: [(await prepareSigningKey()).publicJwk] };
}

/** A compact JWS: base64url(header) . base64url(payload) . base64url(RSASSA-PKCS1-v1_5 SHA-256 signature). */
export function signJwt(payload: Record<string, unknown>, options: { forgeSignature?: boolean } = {}): string {
    const { kid, privateKey } = signingKey();
    const input = `${base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }))}.${base64url(JSON.stringify(payload))}`;
    const signature = sign('sha256', Buffer.from(input), privateKey);
    // A bad signature: one bit of the real one flipped.
    if (options.forgeSignature) signature[0] = signature[0]! ^ 1;
    return `${input}.${base64url(signature)}`;
}
