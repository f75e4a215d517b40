// The token endpoint's answer (every grant: code exchange, refresh, client credentials, JWT bearer), checked as a
// pure function of the reply: RFC 6749 §5.1 and §5.2, and Salesforce's additions (instance_url, id, issued_at,
// signature).
import { constantTimeEqual, tokenSignature } from '../crypto.js';
import { AppError } from '../errors.js';
import { SALESFORCE } from '../messages.js';
import { isTrustedUrl } from './hosts.js';
import { cleanErrorCode, cleanErrorText, jsonObject, type Json } from './reply.js';
import type { Exchanged, Grant, Reply, TokenSet } from '../types.js';

export interface TokenContext {
    /** The login host the request went to; an instance or identity URL on it is trusted (the simulator). */
    baseUrl: string;
    clientSecret?: string;
    /** The tokens being refreshed; absent for the other grants. */
    previous?: TokenSet;
    /** The grant asked for; without one, a refresh when `previous` is given and a code exchange otherwise. */
    grant?: Grant;
}

/** How the pages name each grant's token request. */
const GRANT_NAMES: Record<Grant, string> = {
    authorization_code: 'code exchange',
    refresh_token: 'refresh',
    client_credentials: 'Client Credentials token request',
    jwt_bearer: 'JWT Bearer token request',
};

/**
 * Grants whose answers Salesforce always signs (help, "OAuth 2.0 Web Server Flow": `signature` in every answer
 * to an app with a secret). Client Credentials answers carry one in Salesforce's sample; JWT Bearer answers carry
 * none. For those two a signature is checked when it comes, and its absence is not held against the answer.
 */
const ALWAYS_SIGNED: readonly Grant[] = ['authorization_code', 'refresh_token'];

function grantOf(context: TokenContext): Grant {
    return context.grant ?? (context.previous ? 'refresh_token' : 'authorization_code');
}

/** RFC 6750 §2.1 b64token characters, and what Salesforce's tokens use (`!`): printable ASCII, no space. */
const TOKEN_CHARACTERS = /^[\x21-\x7e]+$/;

function optionalString(body: Json, field: string): string | undefined {
    const v = body[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw new AppError('bad_response', SALESFORCE.notText(field));
    return v;
}

/** Any status other than 200 is an error: Salesforce's OAuth error when it sent one, else a bad response. */
function refusal(reply: Reply, body: Json | undefined, what: string, grant: Grant): AppError {
    if (body && typeof body.error === 'string') {
        return new AppError('salesforce_error', SALESFORCE.refused(what), {
            salesforce: {
                error: cleanErrorCode(body.error),
                description: cleanErrorText(body.error_description),
                httpStatus: reply.status,
                grant,
            },
        });
    }
    return new AppError('bad_response', SALESFORCE.errorWithoutCode(what, reply.status));
}

/**
 * Salesforce signs id + issued_at with the consumer secret on every web server and refresh answer, so with
 * a secret configured an answer without a signature is refused like one whose signature does not match.
 */
function checkSignature(body: Json, id: string, context: TokenContext, what: string): boolean {
    const issuedAt = optionalString(body, 'issued_at');
    const signature = optionalString(body, 'signature');
    if (!context.clientSecret) return false;
    if (signature === undefined && !ALWAYS_SIGNED.includes(grantOf(context))) return false;
    if (signature === undefined) throw new AppError('signature_invalid', SALESFORCE.noSignature(what));
    if (issuedAt === undefined || !constantTimeEqual(tokenSignature(context.clientSecret, id, issuedAt), signature)) {
        throw new AppError('signature_invalid', SALESFORCE.badSignature(what));
    }
    return true;
}

/** `sfdc_community_url` and `sfdc_community_id`, kept only when the URL is a trusted Salesforce address. */
function community(body: Json, baseUrl: string): Pick<TokenSet, 'communityUrl' | 'communityId'> {
    const url = optionalString(body, 'sfdc_community_url');
    const id = optionalString(body, 'sfdc_community_id');
    if (!isTrustedUrl(url, baseUrl)) return {};
    return { communityUrl: new URL(url).href, communityId: id && /^[A-Za-z0-9]{15,18}$/.test(id) ? id : undefined };
}

export function parseTokenResponse(reply: Reply, context: TokenContext): Exchanged {
    const { previous, baseUrl } = context;
    const grant = grantOf(context);
    const what = GRANT_NAMES[grant];
    if (reply.status >= 300 && reply.status < 400) {
        throw new AppError('bad_response', SALESFORCE.redirect(what, reply.status));
    }
    if (reply.body.trim() === '') throw new AppError('bad_response', SALESFORCE.empty(what, reply.status));
    const body = jsonObject(reply);
    if (reply.status !== 200) throw refusal(reply, body, what, grant);
    if (!body) throw new AppError('bad_response', SALESFORCE.notJson(what));

    const accessToken = body.access_token;
    if (typeof accessToken !== 'string' || accessToken === '') {
        throw new AppError('bad_response', SALESFORCE.noAccessToken(what));
    }
    // Tokens are copied into shell, .env and code lines: a space or control character would add lines.
    const refreshToken = optionalString(body, 'refresh_token');
    if (![accessToken, refreshToken ?? 'x'].every((t) => TOKEN_CHARACTERS.test(t))) {
        throw new AppError('bad_response', SALESFORCE.badTokenCharacters(what));
    }
    const tokenType = optionalString(body, 'token_type');
    if (!tokenType || tokenType.toLowerCase() !== 'bearer') {
        throw new AppError('bad_response', SALESFORCE.notBearer(what));
    }
    const { instance_url: instanceUrl, id } = body;
    if (!isTrustedUrl(instanceUrl, baseUrl) || !isTrustedUrl(id, baseUrl)) {
        throw new AppError('untrusted_url', SALESFORCE.untrustedUrl(what));
    }
    const signatureVerified = checkSignature(body, id, context, what);
    const tokens: TokenSet = {
        accessToken,
        // Without rotation a refresh answer carries no refresh token: the old one stays valid.
        refreshToken: refreshToken ?? previous?.refreshToken,
        // The checked, normalised form is what is kept and shown, never the raw string.
        instanceUrl: new URL(instanceUrl).origin,
        id: new URL(id).href,
        issuedAt: optionalString(body, 'issued_at'),
        scope: optionalString(body, 'scope') ?? previous?.scope,
        tokenType,
        ...community(body, baseUrl),
    };
    return { tokens, signatureVerified, idToken: optionalString(body, 'id_token') };
}
