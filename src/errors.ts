// The app's whole error vocabulary. Every failure a person can meet becomes one of these codes,
// and the one error handler turns it into a page with the status from this table.
import type { Exchange, SalesforceError } from './types.js';
export const ERROR_STATUS = {
    bad_request: 400,
    unknown_host: 421,
    not_same_origin: 403,
    not_found: 404,
    method_not_allowed: 405,
    too_large: 413,
    // The host check: a loopback name other than APP_URL's, on a request that cannot be redirected
    wrong_address: 400,
    // /callback, checked in this order: repeated parameters, state (missing, then looked up), iss,
    // tokens in the URL, Salesforce's error, the code
    malformed_response: 400,
    missing_state: 400,
    no_login_in_progress: 400,
    state_mismatch: 400,
    state_already_used: 400,
    login_expired: 400,
    issuer_mismatch: 400,
    unsupported_response: 400,
    authorization_error: 400,
    missing_code: 400,
    // The tab that answers the callback is not the tab that started the login (RFC 9700 §4.7, login CSRF)
    tab_mismatch: 400,
    // Salesforce would stop this login on its own page (asked ahead, before the person is sent there)
    refused_at_authorize: 400,
    // What a person pasted from Salesforce's page, explained
    explained: 200,
    // Too many logins are waiting for Salesforce; none young enough to evict
    busy: 503,
    // Calls from this app to Salesforce
    salesforce_error: 502,
    bad_response: 502,
    signature_invalid: 502,
    untrusted_url: 502,
    unreachable: 502,
    timeout: 504,
    // The page a result lives on is gone (expired, evicted, or another browser's)
    result_not_found: 404,
    internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
    readonly code: ErrorCode;
    readonly status: number;
    readonly salesforce?: SalesforceError;
    /** A value the person can use instead (a login host for a look-alike address). */
    readonly suggestion?: string;
    /** The exchanges with Salesforce that led here (a refused token request), masked, for the error page. */
    exchanges?: Exchange[];

    constructor(
        code: ErrorCode,
        message: string,
        options: { salesforce?: SalesforceError; cause?: unknown; suggestion?: string } = {},
    ) {
        super(message, { cause: options.cause });
        this.name = this.constructor.name;
        this.code = code;
        this.status = ERROR_STATUS[code];
        this.salesforce = options.salesforce;
        this.suggestion = options.suggestion;
    }
}

export class ConfigError extends Error {
    readonly problems: readonly string[];

    constructor(problems: string[]) {
        super(`Configuration problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
        this.name = this.constructor.name;
        this.problems = problems;
    }
}
