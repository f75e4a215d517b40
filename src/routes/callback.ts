// GET /callback: Salesforce sends the browser back here with a code (or an error). The login is found by
// its state and taken before any await, the code is redeemed at the host that issued it, and the browser
// is sent on to its result page.
import type { RequestHandler, Response } from 'express';
import { constantTimeEqual, randomToken } from '../crypto.js';
import { AppError } from '../errors.js';
import { callbackMessages } from '../messages.js';
import { codeFromCallback, readCallbackParams } from '../oauth/callback.js';
import type { Deps } from './deps.js';
import { browserId, cookieValue, formFields, RANDOM_ID } from './middleware.js';
import { keepResult, recordedCall, showingExchanges } from './new-result.js';
import { formatLocalDateTime } from '../view-model.js';
import type { AwaitingTab, PendingLogin } from '../types.js';

/**
 * Redeems the code at the host that issued it and sends the browser to the result at once: who logged in is
 * asked in the same moment, and the result page waits for it, so the browser's redirect overlaps that call.
 */
async function redeem(deps: Deps, res: Response, { login, browser, code }: AwaitingTab): Promise<void> {
    const { call, transcript } = recordedCall(res);
    const exchanged = await showingExchanges(transcript, () =>
        deps.salesforce.exchangeCode(login.baseUrl, code, login.verifier, call),
    );
    const { environment, loginHost, baseUrl } = login;
    keepResult(deps, res, {
        flow: 'web_server',
        browser,
        environment,
        loginHost,
        baseUrl,
        exchanged,
        transcript,
        call,
        openId: login,
    });
}

/** What the confirmation page names: where the login went and when it started. */
function confirmView(login: PendingLogin) {
    return {
        environment: login.environment,
        loginHost: login.loginHost,
        startedAt: formatLocalDateTime(login.createdAt),
    };
}

export function callback(deps: Deps): RequestHandler {
    const { config, store } = deps;
    const messages = callbackMessages(store.limits);
    return async (req, res) => {
        const params = readCallbackParams(new URL(req.originalUrl, config.origin).searchParams, messages);
        const taken = RANDOM_ID.test(params.state)
            ? store.takePending(browserId(config, store, req), params.state)
            : ({ ok: false, reason: 'state_mismatch' } as const);
        if (!taken.ok) throw new AppError(taken.reason, messages[taken.reason]);
        const login: PendingLogin = taken.login;
        res.locals.loginHost = login.loginHost;
        const code = codeFromCallback(params, login, messages);
        const matched = { login, browser: taken.browser, code };
        // RFC 9700 §4.7.1 (login CSRF): a code is redeemed only on proof, made on this app's own origin, that
        // this browser meant to finish this login. With a tab secret, the page's script posts it back from
        // sessionStorage; without one (JavaScript off, or a login another program started), the person
        // confirms on a page no other site can frame or post (frame-ancestors 'none', the same-origin check).
        const claim = randomToken();
        store.awaitTab(claim, matched);
        res.render('callback', { claim, confirm: login.tab === undefined ? confirmView(login) : undefined });
    };
}

/** POST /callback/tab: the tab's answer to the callback page; the code is redeemed only if it matches. */
export function tabClaim(deps: Deps): RequestHandler {
    const { config, store } = deps;
    const messages = callbackMessages(store.limits);
    return async (req, res) => {
        const f = formFields(req, ['claim', 'tab']);
        const entry =
            f.claim && RANDOM_ID.test(f.claim) ? store.takeAwaitingTab(cookieValue(config, req), f.claim) : undefined;
        if (!entry) throw new AppError('state_already_used', messages.tabGone);
        res.locals.loginHost = entry.login.loginHost;
        // A login without a tab secret was confirmed by this POST itself, which only this app's pages can send.
        const expected = entry.login.tab;
        if (expected !== undefined && (!f.tab || !constantTimeEqual(f.tab, expected))) {
            throw new AppError('tab_mismatch', messages.tabMismatch);
        }
        await redeem(deps, res, entry);
    };
}
