// POST /login for the flows without a browser redirect: Client Credentials and JWT Bearer. The app makes the
// token request itself and answers 303 to the result page, or the error page with Salesforce's answer, the
// cause and the fix, and the exchange that failed.
import type { Request, Response } from 'express';
import { randomToken } from '../crypto.js';
import { AppError } from '../errors.js';
import { REQUEST } from '../messages.js';
import { assertionContent, audienceFor, signAssertion } from '../oauth/jwt-assertion.js';
import type { AssertionShown, CallContext } from '../types.js';
import type { Deps } from './deps.js';
import { FormRefusal, refusedForm, type LoginForm } from './login-form.js';
import { browserId, setBrowserCookie } from './middleware.js';
import { keepResult, recordedCall, showingExchanges } from './new-result.js';

/** The JWT Bearer assertion of this login, signed with the configured key; a key problem refuses the form. */
async function signedAssertion(
    deps: Deps,
    res: Response,
    form: LoginForm,
): Promise<{ shown: AssertionShown; signed: string }> {
    let key;
    try {
        key = await deps.jwtKey();
    } catch (err) {
        if (!(err instanceof AppError)) throw err;
        throw new FormRefusal(form.typed, { field: 'flow', message: err.message });
    }
    const { config } = deps;
    const audience = audienceFor({ ...form, productionUrl: config.productionUrl, sandboxUrl: config.sandboxUrl });
    // Named by the error page when Salesforce refuses the audience.
    res.locals.audience = audience;
    const shown = assertionContent({
        clientId: config.clientId,
        username: form.username!,
        audience,
        nowMs: Date.now(),
    });
    return { shown, signed: await signAssertion(shown, key.privateKey) };
}

/** The token request of the flow, and for JWT Bearer the assertion it sent. */
async function requestToken(deps: Deps, res: Response, form: LoginForm, call: CallContext) {
    if (form.flow === 'client_credentials') {
        return { exchanged: await deps.salesforce.clientCredentials(form.baseUrl, call), assertion: undefined };
    }
    const { shown, signed } = await signedAssertion(deps, res, form);
    return { exchanged: await deps.salesforce.jwtBearer(form.baseUrl, signed, call), assertion: shown };
}

export async function directLogin(deps: Deps, req: Request, res: Response, form: LoginForm): Promise<void> {
    const { store } = deps;
    res.locals.loginHost = form.loginHost;
    if (!store.hasRoomForResult()) throw new AppError('busy', REQUEST.busy);
    const { call, transcript } = recordedCall(res);
    let requested;
    try {
        requested = await showingExchanges(transcript, () => requestToken(deps, res, form, call));
    } catch (err) {
        if (err instanceof FormRefusal) return refusedForm(deps, res, err);
        throw err;
    }
    const browser = browserId(deps.config, store, req) ?? randomToken();
    setBrowserCookie(deps, res, browser);
    const { flow, environment, loginHost, baseUrl } = form;
    keepResult(deps, res, { flow, browser, environment, loginHost, baseUrl, ...requested, transcript, call });
}
