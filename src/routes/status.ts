// Whether the access token is still good, asked beside the page: introspection is one more round trip to
// Salesforce, so the callback, a refresh and a revoke answer without waiting for it, and the page (or its
// script, through status.json) picks the answer up when it is there.
import { AppError } from '../errors.js';
import { RESULT } from '../messages.js';
import type { CallContext, CheckedStatus, LoginResult } from '../types.js';
import type { Deps } from './deps.js';

/** Introspection of an access token; a failure is shown on the page, never thrown. */
export async function checkToken(
    { salesforce, store }: Deps,
    baseUrl: string,
    accessToken: string,
    call?: CallContext,
): Promise<CheckedStatus> {
    try {
        return { ...(await salesforce.introspect(baseUrl, accessToken, call)), checkedAt: store.time() };
    } catch (err) {
        const reason = err instanceof AppError ? err.message : RESULT.introspectionFailed;
        return { kind: 'unknown', reason, checkedAt: store.time() };
    }
}

/**
 * Starts asking about the result's current (or just revoked) access token, after the page that changed it
 * has answered, and records the answer.
 */
export function startStatusCheck(deps: Deps, result: LoginResult, accessToken: string): void {
    const session = result.session;
    const record = { record: result.transcript.add };
    const check = checkToken(deps, result.baseUrl, accessToken, record).then((status) => {
        // Only if the session it was asked for is still the result's session.
        if (result.session === session) result.session = { ...session, status } as typeof session;
        return status;
    });
    deps.store.workOf(result).checkStatus(check);
}
