// What the result page shows besides the tokens, learned beside the browser's redirect: the callback answers
// as soon as the code is redeemed, and who logged in (the identity call and the id_token's check) and the
// API version are learned while the browser follows the redirect to its result page. Pages that show a
// result wait until it is known, so no page shows it half-learned, with JavaScript or without.
import { AppError } from '../errors.js';
import { RESULT } from '../messages.js';
import type { ResultWork } from '../result-work.js';
import type { Timing } from '../timing.js';
import type { CallContext, Exchanged, IdTokenVerdict, LoginResult, PendingLogin, TokenSet } from '../types.js';
import type { Deps } from './deps.js';

/** What an id_token is checked against: where the login went and the nonce it sent (web server flow only). */
export type OpenIdLogin = Pick<PendingLogin, 'baseUrl' | 'nonce'>;

/** OpenID Connect: the id_token checked against the login host's keys, this login's nonce and the Consumer Key. */
async function checkIdToken(
    { config, salesforce }: Deps,
    login: OpenIdLogin,
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
 * The newest API version, for the page's curl line, `.env` line and snippets. The login host's list (fetched
 * while the person logged in, no token needed) serves at once; a host without one (an Experience Cloud site)
 * is followed by the instance's. Undefined when neither answers: the page then leaves the version out.
 */
async function newestApiVersion({ config, salesforce }: Deps, baseUrl: string, tokens: TokenSet) {
    if (config.apiVersion) return config.apiVersion;
    return salesforce
        .apiVersion(baseUrl)
        .catch(() => salesforce.apiVersion(tokens.instanceUrl))
        .catch(() => undefined);
}

function whyIdentityFailed(reason: unknown): string {
    return reason instanceof AppError ? reason.message : RESULT.identityFailed;
}

/**
 * Identity, the id_token and the API version, side by side, on the connection to the login host that was
 * opened while the person logged in. None can fail the login: what went wrong is shown.
 */
export function startLearning(
    deps: Deps,
    work: ResultWork,
    result: LoginResult,
    { idToken, tokens }: Exchanged,
    login: OpenIdLogin | undefined,
    call: CallContext,
): void {
    const learned = Promise.all([
        deps.salesforce.identity(tokens, call).then(
            (identity) => void (result.identity = identity),
            (reason: unknown) => void (result.identityError = whyIdentityFailed(reason)),
        ),
        idToken === undefined || login === undefined ? undefined : checkIdToken(deps, login, idToken),
        newestApiVersion(deps, result.baseUrl, tokens),
    ]).then(([, identityToken, apiVersion]) => {
        // Kept on the session these tokens belong to, whichever copy of it the result holds by now.
        const session = result.session;
        if (session.kind !== 'active' || session.tokens !== tokens) return;
        if (identityToken) session.identityToken = identityToken;
        session.apiVersion ??= apiVersion;
    });
    work.learn(learned);
}

/**
 * Waits until what the results' pages show is known (at most the identity call's deadline). The wait is shown
 * in Server-Timing as time spent on Salesforce, which it is.
 */
export async function known({ store }: Deps, results: LoginResult[], timing: Timing | undefined): Promise<void> {
    const pending = results.map((r) => store.workOf(r)).filter((w) => w.isLearning);
    if (pending.length === 0) return;
    const finished = timing?.upstream();
    try {
        await Promise.all(pending.map((w) => w.learned()));
    } finally {
        finished?.();
    }
}
