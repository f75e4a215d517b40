// GET /callback: Salesforce sends the browser back here with a code (or an error). The login is found by
// its state and taken before any await, the code is redeemed at the host that issued it, and the browser
// is sent on to its result page.
import type { RequestHandler } from 'express';
import { randomToken } from '../crypto.js';
import { AppError } from '../errors.js';
import { callbackMessages, RESULT } from '../messages.js';
import { codeFromCallback, readCallbackParams } from '../oauth/callback.js';
import type { Exchanged } from '../salesforce/client.js';
import type { LoginResult, PendingLogin } from '../store.js';
import type { Deps } from './index.js';
import { browserId, RANDOM_ID } from './middleware.js';

/** Identity and the API version are fetched side by side; a failure of either leaves the token usable. */
async function learnAboutLogin({ config, salesforce }: Deps, { tokens }: Exchanged) {
    const [identity, version] = await Promise.allSettled([
        salesforce.identity(tokens),
        config.apiVersion ? Promise.resolve(config.apiVersion) : salesforce.latestApiVersion(tokens),
    ]);
    return {
        identity: identity.status === 'fulfilled' ? identity.value : undefined,
        identityError:
            identity.status === 'rejected'
                ? identity.reason instanceof AppError
                    ? identity.reason.message
                    : RESULT.identityFailed
                : undefined,
        apiVersion: version.status === 'fulfilled' ? version.value : undefined,
    };
}

export function callback(deps: Deps): RequestHandler {
    const { config, store, salesforce } = deps;
    const messages = callbackMessages(store.limits);
    return async (req, res) => {
        const params = readCallbackParams(new URL(req.originalUrl, config.origin).searchParams, messages);
        const taken = RANDOM_ID.test(params.state)
            ? store.takePending(browserId(config, req), params.state)
            : ({ ok: false, reason: 'state_mismatch' } as const);
        if (!taken.ok) throw new AppError(taken.reason, messages[taken.reason]);
        const login: PendingLogin = taken.login;
        res.locals.loginHost = login.loginHost;
        const code = codeFromCallback(params, login, messages);

        const exchanged = await salesforce.exchangeCode(login.baseUrl, code, login.verifier);
        const learned = await learnAboutLogin(deps, exchanged);
        const result: LoginResult = {
            id: randomToken(),
            browser: taken.browser,
            environment: login.environment,
            loginHost: login.loginHost,
            baseUrl: login.baseUrl,
            identity: learned.identity,
            identityError: learned.identityError,
            session: { kind: 'active', ...exchanged, apiVersion: learned.apiVersion },
        };
        store.addResult(result);
        // Post/Redirect/Get (RFC 6749 §4.1.2 asks the client to keep the code out of reach): the code leaves
        // the address bar, and a reload cannot re-exchange it.
        res.redirect(303, `/result/${result.id}`);
    };
}
