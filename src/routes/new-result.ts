// What every flow does once Salesforce has answered its token request: keep the result with its transcript,
// start learning who logged in beside the redirect, send the browser to the result page (Post/Redirect/Get), and
// ask introspection after the answer. And what every flow does when the token request fails: the error page
// shows the exchanges that led there.
import type { Response } from 'express';
import { randomToken } from '../crypto.js';
import { AppError } from '../errors.js';
import { Transcript } from '../transcript.js';
import type { AssertionShown, CallContext, Environment, Exchanged, Flow, LoginResult } from '../types.js';
import { pageCall, type Deps } from './deps.js';
import { startLearning, type OpenIdLogin } from './identity.js';
import { redirect } from './middleware.js';
import { startStatusCheck } from './status.js';

/** The page's call context, with every exchange recorded in a new transcript. */
export function recordedCall(res: Response): { call: CallContext; transcript: Transcript } {
    const transcript = new Transcript();
    return { transcript, call: { ...pageCall(res), record: transcript.add } };
}

/** Runs the token request; a refusal carries the exchanges so far, for the error page to show. */
export async function showingExchanges<T>(transcript: Transcript, request: () => Promise<T>): Promise<T> {
    try {
        return await request();
    } catch (err) {
        if (err instanceof AppError) err.exchanges = transcript.list().exchanges;
        throw err;
    }
}

interface NewResult {
    flow: Flow;
    browser: string;
    environment: Environment;
    loginHost: string;
    baseUrl: string;
    exchanged: Exchanged;
    transcript: Transcript;
    call: CallContext;
    assertion?: AssertionShown;
    /** The web server flow's login, which an id_token is checked against (its nonce). */
    openId?: OpenIdLogin;
}

export function keepResult(deps: Deps, res: Response, input: NewResult): void {
    const { exchanged, call } = input;
    const result: LoginResult = {
        id: randomToken(),
        flow: input.flow,
        browser: input.browser,
        environment: input.environment,
        loginHost: input.loginHost,
        baseUrl: input.baseUrl,
        instanceUrl: exchanged.tokens.instanceUrl,
        createdAt: deps.store.time(),
        assertion: input.assertion,
        transcript: input.transcript,
        session: {
            kind: 'active',
            tokens: exchanged.tokens,
            signatureVerified: exchanged.signatureVerified,
            apiVersion: deps.config.apiVersion,
        },
    };
    const work = deps.store.addResult(result);
    startLearning(deps, work, result, exchanged, input.openId, call);
    // Post/Redirect/Get (RFC 6749 §4.1.2 asks the client to keep the code out of reach): the code leaves the
    // address bar, and a reload cannot re-exchange it.
    redirect(res, 303, `/result/${result.id}`);
    // Introspection is not waited for: the page's script asks status.json for its verdict.
    startStatusCheck(deps, result, exchanged.tokens.accessToken);
}
