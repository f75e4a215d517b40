// The authorization response (RFC 6749 §4.1.2), read as pure steps in the order /callback applies them:
// repeated or malformed parameters, a missing state (then the route looks the state up in the store),
// then the issuer, tokens in the URL, an error, and the code.
import { AppError } from '../errors.js';
import { cleanErrorCode, cleanErrorText } from '../salesforce/reply.js';

export interface CallbackParams {
    state: string;
    iss?: string;
    error?: string;
    errorDescription?: string;
    code?: string;
    /** An implicit-flow token in the URL: refused, this app uses the code flow only. */
    hasTokens: boolean;
}

export interface CallbackMessages {
    malformed: string;
    missingState: string;
    issuerMismatch: string;
    tokensInUrl: string;
    notAuthorized: (loginHost: string) => string;
    missingCode: string;
    badCode: string;
}

/** Reads the query of a callback URL. Throws for repeated, bracketed or too many parameters, or no state. */
export function readCallbackParams(search: URLSearchParams, messages: CallbackMessages): CallbackParams {
    const names = [...search.keys()];
    // RFC 6749 §3.1: parameters must not be included more than once; `state[]=` is no state either.
    if (names.length > 20 || new Set(names).size !== names.length || names.some((n) => n.includes('['))) {
        throw new AppError('malformed_response', messages.malformed);
    }
    // RFC 6749 §3.1: a parameter sent without a value is treated as omitted.
    const param = (name: string) => search.get(name) || undefined;
    const state = param('state');
    if (state === undefined) throw new AppError('missing_state', messages.missingState);
    return {
        state,
        iss: param('iss'),
        error: param('error'),
        errorDescription: param('error_description'),
        code: param('code'),
        hasTokens: ['access_token', 'id_token', 'token'].some((n) => search.has(n)),
    };
}

/**
 * The checks that need the login the state matched: RFC 9207 `iss`, then tokens in the URL, then
 * Salesforce's error, then the code's shape. Returns the code to redeem.
 */
export function codeFromCallback(
    params: CallbackParams,
    login: { baseUrl: string; loginHost: string },
    messages: CallbackMessages,
): string {
    // RFC 9207 §2.4: an `iss` that is present must be the server this login went to.
    if (params.iss !== undefined && params.iss !== login.baseUrl) {
        throw new AppError('issuer_mismatch', messages.issuerMismatch);
    }
    if (params.hasTokens) throw new AppError('unsupported_response', messages.tokensInUrl);
    if (params.error !== undefined) {
        throw new AppError('authorization_error', messages.notAuthorized(login.loginHost), {
            salesforce: { error: cleanErrorCode(params.error), description: cleanErrorText(params.errorDescription) },
        });
    }
    const code = params.code;
    if (code === undefined) throw new AppError('missing_code', messages.missingCode);
    if (code.length > 2048 || !/^[\x20-\x7e]+$/.test(code)) throw new AppError('malformed_response', messages.badCode);
    return code;
}
