// The two grants an integration uses without a browser, as Salesforce documents and real orgs answer them:
// Client Credentials (help, "OAuth 2.0 Client Credentials Flow for Server-to-Server Integration") and JWT
// Bearer (help, "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration"; RFC 7523). Written from those
// pages and RFC 7515, with node:crypto; nothing here comes from the app.
import { verify, X509Certificate, type KeyObject } from 'node:crypto';
import type { Request, Response } from 'express';
import { responseSignature, sameSecret } from './crypto.js';
import { serveTokenFault } from './faults.js';
import { INSTANCE_OF, LOGIN_HOST_OF, type Realm } from './fixtures.js';
import { field, oauthError, tokenAnswer, type Form } from './http.js';
import type { Org } from './org.js';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

type Refusal = [error: string, description: string];

/** The login hosts of each realm: the generic ones serve neither grant the same way as a My Domain. */
const LOGIN_HOSTS: readonly Realm[] = ['production', 'sandbox'];

/** RFC 6749 §2.3.1: the client's id and secret from HTTP Basic, or else from the form. */
function clientCredentialsOf(req: Request, form: Form): { id?: string; secret?: string } {
    const m = /^Basic ([A-Za-z0-9+/=]+)$/.exec(req.headers.authorization ?? '');
    if (m) {
        const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        if (colon > 0) {
            return {
                id: decodeURIComponent(decoded.slice(0, colon)),
                secret: decodeURIComponent(decoded.slice(colon + 1)),
            };
        }
    }
    return { id: field(form, 'client_id'), secret: field(form, 'client_secret') };
}

/** Scopes that need a person or a refresh token are not granted to a server-to-server token. */
function serverScopes(scopes: readonly string[], dropped: readonly string[]): string {
    return scopes.filter((s) => !dropped.includes(s)).join(' ');
}

function clientCredentialsRefusal(org: Org, realm: Realm, req: Request, form: Form): Refusal | undefined {
    // Salesforce: "The client credentials flow doesn't support calls to login.salesforce.com or test.salesforce.com".
    if (LOGIN_HOSTS.includes(realm)) return ['invalid_grant', 'request not supported on this domain'];
    const { id, secret } = clientCredentialsOf(req, form);
    const { settings } = org;
    if (!org.knowsClient(id)) return ['invalid_client_id', 'client identifier invalid'];
    if (secret === undefined || (!settings.acceptAnyClient && !sameSecret(secret, settings.clientSecret))) {
        return ['invalid_client', 'invalid client credentials'];
    }
    if (!settings.appInstalled) return ['app_not_found', 'External client app is not installed in this org'];
    if (!settings.clientCredentialsEnabled) {
        return ['invalid_client', 'client credentials flow not enabled for this connected app'];
    }
    if (!settings.runAsUser) return ['invalid_grant', 'no client credentials user enabled'];
    return undefined;
}

/**
 * Client Credentials: only on a My Domain, for the app's Run As user. The answer has a signature but no
 * refresh token and no id_token, and its `id` names the generic login host.
 */
export function clientCredentialsGrant(org: Org, realm: Realm, form: Form, req: Request, res: Response): void {
    const refused = clientCredentialsRefusal(org, realm, req, form);
    if (refused) return oauthError(res, 400, refused[0], refused[1]);
    const username = org.settings.runAsUser!;
    const secret = (org.settings.acceptAnyClient && clientCredentialsOf(req, form).secret) || org.settings.clientSecret;
    const body = () => {
        const scope = serverScopes(org.settings.scopes, ['full', 'web', 'refresh_token', 'offline_access']);
        const accessToken = org.mintAccessToken(realm, username, scope.split(' '));
        // The `id` names the generic login host of the org's kind, whichever host was asked.
        const id = org.identityUrl(LOGIN_HOST_OF[realm], realm, username);
        const issuedAt = String(Date.now());
        return {
            access_token: accessToken,
            signature: responseSignature(secret, id, issuedAt),
            scope,
            instance_url: org.urls[INSTANCE_OF[realm]],
            id,
            token_type: 'Bearer',
            issued_at: issuedAt,
        };
    };
    if (serveTokenFault(org.settings, { req, res, body, trapUrl: `${org.urls.production}/redirect-trap` })) return;
    tokenAnswer(res, body());
}

/** RFC 4648 §5. */
function fromBase64url(text: string): Buffer {
    return Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

function jsonPart(text: string): Record<string, unknown> | undefined {
    try {
        const value: unknown = JSON.parse(fromBase64url(text).toString('utf8'));
        return value && typeof value === 'object' && !Array.isArray(value)
            ? (value as Record<string, unknown>)
            : undefined;
    } catch {
        return undefined;
    }
}

/** The public keys of the certificates uploaded to the app. */
function uploadedKeys(org: Org): KeyObject[] {
    return org.settings.jwtCertificates.flatMap((pem) => {
        try {
            return [new X509Certificate(pem).publicKey];
        } catch {
            return [];
        }
    });
}

/** RFC 7515 §5.2 with RS256 (RFC 7518 §3.3): RSASSA-PKCS1-v1_5 with SHA-256 over `header.payload`. */
function signedByUploadedKey(org: Org, parts: string[]): boolean {
    const input = Buffer.from(`${parts[0]}.${parts[1]}`, 'ascii');
    const signature = fromBase64url(parts[2]!);
    return uploadedKeys(org).some((key) => verify('sha256', input, key, signature));
}

/** The `aud` Salesforce expects on each host: the login host of the org's kind, the site's URL, or the My Domain. */
function expectedAudience(org: Org, realm: Realm, site: string | undefined): string {
    if (site) return `${org.urls[realm]}/${site}`;
    if (org.settings.jwtAudience === 'my_domain' && !LOGIN_HOSTS.includes(realm)) return org.urls[realm];
    return org.urls[LOGIN_HOST_OF[realm]];
}

/** An External Client App that wants its My Domain as the audience refuses the login hosts as app_not_found. */
function audienceRefusal(org: Org, realm: Realm, audiences: unknown[], site: string | undefined): Refusal | undefined {
    if (audiences.includes(expectedAudience(org, realm, site))) return undefined;
    const loginHosts = [org.urls.production, org.urls.sandbox];
    if (org.settings.jwtAudience === 'my_domain' && audiences.some((a) => loginHosts.includes(a as string))) {
        return ['app_not_found', 'External client app is not installed in this org'];
    }
    return ['invalid_grant', 'audience is invalid'];
}

/** Whether the user may use the app without a browser: pre-authorized, or (self-authorize) approved before. */
function userRefusal(org: Org, username: string): Refusal | undefined {
    const { jwtApprovedUsers, jwtPermittedUsers } = org.settings;
    if (jwtApprovedUsers === 'all' || jwtApprovedUsers.includes(username)) return undefined;
    if (jwtPermittedUsers === 'admin_approved') {
        return ['invalid_app_access', 'user is not admin approved to access this app'];
    }
    return ['invalid_grant', "user hasn't approved this consumer"];
}

/** The checks of RFC 7523 §3 in the order Salesforce's answers imply: the app (iss), signature, aud, exp, sub. */
function assertionRefusal(org: Org, realm: Realm, assertion: string, site: string | undefined): Refusal | string {
    const parts = assertion.split('.');
    const header = parts.length === 3 ? jsonPart(parts[0]!) : undefined;
    const claims = parts.length === 3 ? jsonPart(parts[1]!) : undefined;
    if (!header || !claims || header.alg !== 'RS256') return ['invalid_grant', 'invalid assertion'];
    const iss = typeof claims.iss === 'string' ? claims.iss : undefined;
    if (!org.knowsClient(iss)) return ['invalid_client_id', 'client identifier invalid'];
    if (!org.settings.appInstalled) return ['app_not_found', 'External client app is not installed in this org'];
    if (!signedByUploadedKey(org, parts)) return ['invalid_grant', 'invalid assertion'];
    const audiences: unknown[] = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    const wrongAudience = audienceRefusal(org, realm, audiences, site);
    if (wrongAudience) return wrongAudience;
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= Date.now() + org.settings.clockAheadMs) {
        return ['invalid_grant', 'expired authorization code'];
    }
    const sub = typeof claims.sub === 'string' ? claims.sub : '';
    if (sub === '') return ['invalid_grant', 'invalid assertion'];
    return userRefusal(org, sub) ?? sub;
}

/** JWT Bearer: the assertion alone authenticates; the answer has no refresh token, signature or issued_at. */
export function jwtBearerGrant(
    org: Org,
    realm: Realm,
    site: string | undefined,
    form: Form,
    req: Request,
    res: Response,
): void {
    const checked = assertionRefusal(org, realm, field(form, 'assertion') ?? '', site);
    if (typeof checked !== 'string') return oauthError(res, 400, checked[0], checked[1]);
    const username = checked;
    const body = () => {
        const scope = serverScopes(org.settings.scopes, ['refresh_token', 'offline_access']);
        const accessToken = org.mintAccessToken(realm, username, scope.split(' '));
        return {
            access_token: accessToken,
            scope,
            instance_url: org.urls[INSTANCE_OF[realm]],
            id: org.identityUrl(LOGIN_HOST_OF[realm], realm, username),
            token_type: 'Bearer',
        };
    };
    if (serveTokenFault(org.settings, { req, res, body, trapUrl: `${org.urls.production}/redirect-trap` })) return;
    tokenAnswer(res, body());
}
