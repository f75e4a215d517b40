// /result/:id: the page that shows a login's tokens, and its actions (refresh, revoke, query). Each
// action posts, changes the stored result and redirects back to the page (Post/Redirect/Get).
import express, { type RequestHandler, type Router } from 'express';
import { AppError } from '../errors.js';
import { REQUEST, RESULT } from '../messages.js';
import { postmanEnvironment } from '../handoff.js';
import { known } from './identity.js';
import { checkToken, startStatusCheck } from './status.js';
import { resultView } from '../result-view.js';
import { formatIssuedAt, statusView } from '../view-model.js';
import { resultCall, timingOf, type Deps } from './deps.js';
import { actionForm, browserId, formFields, methodNotAllowed, RANDOM_ID, redirect } from './middleware.js';
import type { ActiveSession, CallContext, LoginResult } from '../types.js';

type Action = (
    result: LoginResult,
    fields: Record<string, string | undefined>,
    call: CallContext,
) => Promise<string | void>;

function active(result: LoginResult): ActiveSession {
    if (result.session.kind !== 'active') throw new AppError('bad_request', RESULT.revoked);
    return result.session;
}

function refresh(deps: Deps): Action {
    const { salesforce } = deps;
    return async (result, _fields, call) => {
        const session = active(result);
        const { tokens } = session;
        if (!tokens.refreshToken) throw new AppError('bad_request', RESULT.whyNoRefreshToken[result.flow]);
        const refreshed = await salesforce.refresh(result.baseUrl, tokens, call);
        result.session = {
            ...session,
            tokens: refreshed.tokens,
            signatureVerified: refreshed.signatureVerified,
            status: undefined,
        };
        startStatusCheck(deps, result, refreshed.tokens.accessToken);
        const rotated = refreshed.tokens.refreshToken !== tokens.refreshToken;
        const issuedAt = formatIssuedAt(refreshed.tokens.issuedAt);
        result.notice = { kind: 'ok', text: RESULT.refreshed(rotated, issuedAt), fresh: true };
        return '#token';
    };
}

function revoke(deps: Deps): Action {
    return async (result, _fields, call) => {
        const { tokens } = active(result);
        const token = tokens.refreshToken ?? tokens.accessToken;
        const refused = await deps.salesforce.revoke(result.baseUrl, token, call);
        // Forgotten either way: a token Salesforce calls invalid is of no use, and keeping it would mislead.
        result.session = { kind: 'revoked' };
        startStatusCheck(deps, result, tokens.accessToken);
        result.notice = refused
            ? { kind: 'error', text: RESULT.revokeRefused(refused.error, refused.description) }
            : { kind: 'ok', text: RESULT.revokedOk(result.loginHost, tokens.refreshToken !== undefined) };
    };
}

/** "Check again": asks introspection about the current access token, and waits for the answer. */
function introspect(deps: Deps): Action {
    return async (result, _fields, call) => {
        const session = active(result);
        session.status = await checkToken(deps, result.baseUrl, session.tokens.accessToken, call);
        return '#token';
    };
}

/** GET /result/:id/status.json: the page's script asks for the status the page could not wait for. */
function statusJson({ config, store }: Deps): RequestHandler {
    return async (_req, res) => {
        const result = res.locals.result as LoginResult;
        const status = result.session.status ?? (await store.workOf(result).status());
        res.json(statusView(config, status, store.time()));
    };
}

function query({ config, salesforce }: Deps): Action {
    return async (result, fields, call) => {
        const session = active(result);
        const soql = (fields.soql ?? '').trim();
        // A query the app will not send is answered in the query card, with what was typed kept.
        if (soql === '' || soql.length > 4000) {
            const message = soql === '' ? RESULT.emptySoql : RESULT.longSoql;
            session.lastQuery = { ok: false, soql: (fields.soql ?? '').slice(0, 4000), errorCode: 'NOT_SENT', message };
            return '#query';
        }
        // Known since the login, unless both version lists failed then: the instance's is asked now.
        session.apiVersion ??= config.apiVersion ?? (await salesforce.apiVersion(session.tokens.instanceUrl));
        session.lastQuery = await salesforce.query(session.tokens, session.apiVersion, soql, call);
        return '#query';
    };
}

/** `join`: a press while the same action is in flight shares its outcome; `fields`: the form fields it takes. */
function runAction(
    deps: Deps,
    action: Action,
    options: { join?: boolean; fields?: readonly string[] } = {},
): RequestHandler {
    return async (req, res) => {
        const result = res.locals.result as LoginResult;
        res.locals.loginHost = result.loginHost;
        const fields = formFields(req, options.fields ?? ['soql']);
        const run = () => action(result, fields, resultCall(res, result));
        const work = deps.store.workOf(result);
        const anchor = (await (options.join ? work.refresh(run) : work.run(run))) ?? '';
        redirect(res, 303, `/result/${result.id}${anchor}`);
    };
}

/**
 * Revoke cannot be undone, and it also stops the refresh token already handed to .env, the Salesforce CLI or
 * Postman: the first press shows what will stop working, and only the confirmation's own post revokes.
 */
function confirmedRevoke(deps: Deps): RequestHandler {
    const revoking = runAction(deps, revoke(deps), { fields: ['confirm'] });
    return async (req, res, next) => {
        const result = res.locals.result as LoginResult;
        if (formFields(req, ['confirm']).confirm === 'yes') return revoking(req, res, next);
        const session = active(result);
        res.render('revoke', {
            id: result.id,
            who: result.identity?.username ?? result.loginHost,
            hasRefreshToken: session.tokens.refreshToken !== undefined,
        });
    };
}

function showResult(deps: Deps): RequestHandler {
    const { config } = deps;
    return (_req, res) => {
        const result = res.locals.result as LoginResult;
        const notice = result.notice;
        result.notice = undefined;
        res.render('result', { r: resultView(config, result, deps.store.time()), notice });
    };
}

/** GET /result/:id/postman-environment.json: a download, only for the browser that logged in. */
function postmanDownload({ config }: Deps): RequestHandler {
    return (_req, res) => {
        const result = res.locals.result as LoginResult;
        const session = active(result);
        const environment = postmanEnvironment(
            { config, tokens: session.tokens, apiVersion: session.apiVersion ?? config.apiVersion, soql: '' },
            result.baseUrl,
            `sf-oauth-auth · ${result.identity?.username ?? result.loginHost}`,
        );
        res.attachment('sf-oauth-auth.postman_environment.json')
            .type('application/json')
            .send(JSON.stringify(environment, null, 2));
    };
}

export function resultRoutes(deps: Deps, sameOrigin: RequestHandler): Router {
    const { config, store } = deps;
    const router = express.Router();

    // Loads the result for every route below; only the browser that logged in can see it.
    router.param('id', async (req, res, next, id: string) => {
        const result = RANDOM_ID.test(id) ? store.getResult(browserId(config, store, req), id) : undefined;
        if (!result) throw new AppError('result_not_found', RESULT.notFound);
        await known(deps, [result], timingOf(res));
        res.locals.result = result;
        next();
    });

    router.get('/:id', showResult(deps));
    router.get('/:id/postman-environment.json', postmanDownload(deps));
    router.get('/:id/status.json', statusJson(deps));
    router.post('/:id/refresh', sameOrigin, actionForm, runAction(deps, refresh(deps), { join: true }));
    router.post('/:id/revoke', sameOrigin, actionForm, confirmedRevoke(deps));
    router.post('/:id/query', sameOrigin, actionForm, runAction(deps, query(deps)));
    router.post('/:id/introspect', sameOrigin, actionForm, runAction(deps, introspect(deps)));
    // A regular expression, not `:id`, so that the loader does not run for a wrong method.
    router.all(/^\/[^/]+\/(?:refresh|revoke|query|introspect)$/, methodNotAllowed(REQUEST.actionMethod));
    return router;
}
