// What a client can do with a token it holds, at the login host: revoke it, or ask whether it is still good.
import type { Request, Response } from 'express';
import { sameSecret } from './crypto.js';
import { ORG_IDS, type Realm } from './fixtures.js';
import { field, oauthError, type Form } from './http.js';
import { SESSION_TIMEOUT_MS, type Org } from './org.js';

/**
 * Revocation (RFC 7009; Salesforce help "Revoke OAuth Tokens"). Real orgs refuse a missing, unknown or already
 * revoked token with a form-encoded 400, not JSON.
 */
export function revoke(org: Org) {
    const refuse = (res: Response) =>
        void res
            .status(400)
            .type('application/x-www-form-urlencoded')
            .send('error=unsupported_token_type&error_description=this%20token%20type%20is%20not%20supported');
    return (req: Request, res: Response) => {
        org.stats.revokes += 1;
        const value = field(req.body as Form, 'token');
        const issued = value ? org.token(value) : undefined;
        if (!value || !issued || issued.revoked) return refuse(res);
        org.revoke(value, issued);
        res.status(200).send('');
    };
}

/**
 * Token introspection (RFC 7662; Salesforce help "Token Introspection Endpoint"): the client authenticates
 * with its Consumer Key and Secret; a revoked, expired or unknown token is `{"active":false}` and nothing more.
 */
export function introspect(org: Org, realm: Realm) {
    return (req: Request, res: Response) => {
        const form = req.body as Form;
        const secret = field(form, 'client_secret');
        const { introspectionRequiresSecret, clientSecret, acceptAnyClient } = org.settings;
        const clientOk =
            org.knowsClient(field(form, 'client_id')) &&
            (secret === undefined ? !introspectionRequiresSecret : acceptAnyClient || sameSecret(secret, clientSecret));
        if (!clientOk) return oauthError(res, 401, 'invalid_client', 'invalid client credentials');
        const value = field(form, 'token') ?? '';
        const token = org.token(value);
        if (!token || !org.isLive(token) || ORG_IDS[token.realm] !== ORG_IDS[realm]) {
            return void res.set('Cache-Control', 'no-store').json({ active: false });
        }
        const iat = Math.floor(token.issuedAt / 1000);
        res.set('Cache-Control', 'no-store').json({
            active: true,
            scope: token.scope.join(' '),
            client_id: field(form, 'client_id'),
            username: token.username,
            // Salesforce help, "Token Introspection Endpoint": the identity URL of the token's user.
            sub: org.identityUrl(token.realm, token.realm, token.username),
            token_type: token.kind === 'access' ? 'access_token' : 'refresh_token',
            exp: token.kind === 'access' ? iat + SESSION_TIMEOUT_MS / 1000 : undefined,
            iat,
            nbf: iat,
        });
    };
}
