// POST /login for the flows without a browser redirect: Client Credentials and JWT Bearer. The app makes the
// token request itself and answers 303 to the result page, or the error page with Salesforce's answer, the
// cause and the fix, and the exchange that failed.
import type { Request, Response } from 'express';
import { randomToken } from '../crypto.js';
import { AppError } from '../errors.js';
import { REQUEST } from '../messages.js';
import { assertionContent, audienceFor, signAssertion } from '../oauth/jwt-assertion.js';
import { Transcript } from '../transcript.js';
import type { AssertionShown, CallContext, Exchanged, LoginResult } from '../types.js';
import { startLearning } from './identity.js';
import { pageCall, type Deps } from './deps.js';
import { FormRefusal, refusedForm, type LoginForm } from './login-form.js';
import { browserId, redirect, setBrowserCookie } from './middleware.js';
import { startStatusCheck } from './status.js';

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
        throw new FormRefusal(
            { flow: 'jwt_bearer', sf_env: form.environment, username: form.username },
            {
                field: 'flow',
                message: err.message,
            },
        );
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

/** The token request of the flow; a refusal carries the exchange, so the error page can show it. */
async function requestToken(deps: Deps, res: Response, form: LoginForm, call: CallContext, transcript: Transcript) {
    let assertion: AssertionShown | undefined;
    try {
        let exchanged: Exchanged;
        if (form.flow === 'client_credentials') {
            exchanged = await deps.salesforce.clientCredentials(form.baseUrl, call);
        } else {
            const { shown, signed } = await signedAssertion(deps, res, form);
            assertion = shown;
            exchanged = await deps.salesforce.jwtBearer(form.baseUrl, signed, call);
        }
        return { exchanged, assertion };
    } catch (err) {
        if (err instanceof AppError) err.exchanges = transcript.list().exchanges;
        throw err;
    }
}

export async function directLogin(deps: Deps, req: Request, res: Response, form: LoginForm): Promise<void> {
    const { store } = deps;
    res.locals.loginHost = form.loginHost;
    if (!store.hasRoomForResult()) throw new AppError('busy', REQUEST.busy);
    const transcript = new Transcript();
    const call = { ...pageCall(res), record: transcript.add };
    let requested;
    try {
        requested = await requestToken(deps, res, form, call, transcript);
    } catch (err) {
        if (err instanceof FormRefusal) return refusedForm(deps, res, err);
        throw err;
    }
    const { exchanged, assertion } = requested;
    const browser = browserId(deps.config, store, req) ?? randomToken();
    const result: LoginResult = {
        id: randomToken(),
        flow: form.flow,
        browser,
        environment: form.environment,
        loginHost: form.loginHost,
        baseUrl: form.baseUrl,
        instanceUrl: exchanged.tokens.instanceUrl,
        createdAt: store.time(),
        assertion,
        transcript,
        session: {
            kind: 'active',
            tokens: exchanged.tokens,
            signatureVerified: exchanged.signatureVerified,
            apiVersion: deps.config.apiVersion,
        },
    };
    const work = store.addResult(result);
    startLearning(deps, work, result, exchanged, undefined, call);
    setBrowserCookie(deps, res, browser);
    redirect(res, 303, `/result/${result.id}`);
    startStatusCheck(deps, result, exchanged.tokens.accessToken);
}
