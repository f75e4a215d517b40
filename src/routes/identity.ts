// Who logged in, learned beside the browser's redirect: the callback answers as soon as the code is
// redeemed, and the identity call (with the id_token's check) runs while the browser follows the redirect
// to its result page. Pages that show a result wait here until it is known, so no page shows it half-learned.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { AppError } from '../errors.js';
import { RESULT } from '../messages.js';
import type { IdTokenVerdict } from '../oauth/id-token.js';
import type { Exchanged } from '../salesforce/client.js';
import type { LoginResult, PendingLogin } from '../store.js';
import { requestTiming } from '../timing.js';
import type { Deps } from './index.js';

const learning = new WeakMap<LoginResult, Promise<void>>();

/** OpenID Connect: the id_token checked against the login host's keys, this login's nonce and the Consumer Key. */
async function checkIdToken(
    { config, salesforce }: Deps,
    login: PendingLogin,
    idToken: string,
): Promise<IdTokenVerdict> {
    try {
        const keys = await salesforce.signingKeys(login.baseUrl);
        // jose is loaded on the first id_token, not at start-up.
        const { verifyIdToken } = await import('../oauth/id-token.js');
        return await verifyIdToken(idToken, keys, {
            issuer: login.baseUrl,
            audience: config.clientId,
            nonce: login.nonce,
        });
    } catch (err) {
        return { verified: false, reason: err instanceof AppError ? err.message : 'its keys could not be read' };
    }
}

/**
 * Runs once this turn's writes (the identity request, then the callback's redirect) are out: the id_token check
 * is a fraction of a millisecond, and identity's round trip, which the page waits for anyway, takes far longer.
 */
function afterThisTurn<T>(run: () => Promise<T>): Promise<T> {
    return nextTurn().then(run);
}

function whyIdentityFailed(reason: unknown): string {
    return reason instanceof AppError ? reason.message : RESULT.identityFailed;
}

/**
 * Identity and the id_token are checked side by side, on a connection to the login host that was opened while
 * the person logged in (its keys were fetched then too). Neither can fail the login: what went wrong is shown.
 */
export function startLearning(deps: Deps, result: LoginResult, exchanged: Exchanged, login: PendingLogin): void {
    const { idToken, tokens } = exchanged;
    const learned = Promise.allSettled([
        deps.salesforce.identity(tokens),
        idToken === undefined ? Promise.resolve(undefined) : afterThisTurn(() => checkIdToken(deps, login, idToken)),
    ]).then(([identity, identityToken]) => {
        if (identity.status === 'fulfilled') result.identity = identity.value;
        else result.identityError = whyIdentityFailed(identity.reason);
        // Kept on the session these tokens belong to, whichever copy of it the result holds by now.
        const session = result.session;
        if (identityToken.status === 'fulfilled' && session.kind === 'active' && session.tokens === tokens) {
            session.identityToken = identityToken.value;
        }
        learning.delete(result);
    });
    learning.set(result, learned);
}

/**
 * Waits until the results' identities are known (at most the identity call's deadline). The wait is shown
 * in Server-Timing as time spent on Salesforce, which it is.
 */
export async function known(results: LoginResult[]): Promise<void> {
    const pending = results.map((r) => learning.get(r)).filter((p) => p !== undefined);
    if (pending.length === 0) return;
    const finished = requestTiming.getStore()?.upstream();
    try {
        await Promise.all(pending);
    } finally {
        finished?.();
    }
}
