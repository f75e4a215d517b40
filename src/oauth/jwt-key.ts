// The private key a JWT Bearer login signs with (JWT_KEY_FILE), and a certificate of it to upload to the app
// ("Use digital signatures"). The key is read from its file on first use and kept in memory; it is never
// shown, logged or sent. Salesforce help, "Create a Private Key and Self-Signed Digital Certificate": an RSA
// key, of at least 2048 bits, in PEM.
import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { AppError } from '../errors.js';
import { JWT } from '../messages.js';

interface JwtKey {
    readonly privateKey: KeyObject;
    /** A self-signed certificate of the key, PEM, made once. */
    certificate(): Promise<string>;
}

/** Where a JWT Bearer login finds its key: the configured file, or a key the demo made in memory. */
export type JwtKeySource = () => Promise<JwtKey>;

/** The smallest RSA modulus Salesforce accepts for a JWT Bearer certificate. */
const MIN_RSA_BITS = 2048;

/** The key's PEM read as a private key, refused unless it is RSA of 2048 bits or more. */
export function readPrivateKey(pem: string | Buffer): KeyObject {
    let key: KeyObject;
    try {
        key = createPrivateKey(pem);
    } catch {
        throw new AppError('bad_request', JWT.notAKey);
    }
    if (key.asymmetricKeyType !== 'rsa') throw new AppError('bad_request', JWT.notRsa(String(key.asymmetricKeyType)));
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) throw new AppError('bad_request', JWT.tooShort(bits));
    return key;
}

/** A self-signed X.509 certificate of the key (SHA-256 with RSA), valid for two years. */
export async function selfSignedCertificate(privateKey: KeyObject, now = new Date()): Promise<string> {
    // Loaded on the first certificate: the library is large and most runs never need it.
    const { generate } = await import('selfsigned');
    const notAfterDate = new Date(now.getTime() + 2 * 365 * 86_400_000);
    const made = await generate([{ name: 'commonName', value: 'sf-oauth-auth JWT Bearer' }], {
        keyPair: {
            privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
            publicKey: createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }) as string,
        },
        algorithm: 'sha256',
        notBeforeDate: now,
        notAfterDate,
    });
    return made.cert;
}

function keyOf(privateKey: KeyObject): JwtKey {
    let cert: Promise<string> | undefined;
    return {
        privateKey,
        certificate: () => (cert ??= selfSignedCertificate(privateKey)),
    };
}

/** A fresh 2048-bit RSA key, made off the event loop. */
export async function newPrivateKey(): Promise<KeyObject> {
    const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: MIN_RSA_BITS });
    return privateKey;
}

/** The demo's key: made in memory, never written. */
export function memoryJwtKey(privateKey: KeyObject): JwtKeySource {
    const key = keyOf(privateKey);
    return async () => key;
}

/** JWT_KEY_FILE, read on first use; a failure is not kept, so a fixed file works without a restart. */
export function fileJwtKey(path: string | undefined): JwtKeySource {
    let loading: Promise<JwtKey> | undefined;
    return () => {
        if (path === undefined) return Promise.reject(new AppError('bad_request', JWT.noKeyFile));
        loading ??= readFile(path)
            .catch(() => {
                throw new AppError('bad_request', JWT.unreadable(path));
            })
            .then((pem) => keyOf(readPrivateKey(pem)));
        loading.catch(() => (loading = undefined));
        return loading;
    };
}
