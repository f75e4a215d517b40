// The authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3), as a pure function of its parts.
import { endpointUrl } from '../salesforce/hosts.js';

export interface AuthorizeRequest {
    baseUrl: string;
    authorizePath: string;
    clientId: string;
    redirectUri: string;
    state: string;
    codeChallenge: string;
    nonce?: string;
    scope?: string;
    prompt?: string;
    loginHint?: string;
}

export function buildAuthorizeUrl(request: AuthorizeRequest): URL {
    const url = endpointUrl(request.baseUrl, request.authorizePath);
    const params: Array<[string, string | undefined]> = [
        ['response_type', 'code'],
        ['client_id', request.clientId],
        ['redirect_uri', request.redirectUri],
        ['state', request.state],
        ['code_challenge', request.codeChallenge],
        ['code_challenge_method', 'S256'],
        ['nonce', request.nonce],
        ['scope', request.scope],
        ['prompt', request.prompt],
        ['login_hint', request.loginHint],
    ];
    for (const [name, value] of params) if (value) url.searchParams.set(name, value);
    return url;
}
