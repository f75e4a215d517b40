// Turns a stored login result into what the result page shows. Values stay raw here; EJS escapes them.
import type { Config } from './config.js';
import { ENVIRONMENTS, FLOWS, PROMPTS } from './input.js';
import {
    curlLine,
    envLines,
    jsforceSnippet,
    pythonRequests,
    pythonSimpleSalesforce,
    sfCliLines,
    sfdxAuthUrl,
    sfJwtLine,
} from './handoff.js';
import { ENVIRONMENT_LABELS, FLOW_CHOICES, RESULT } from './messages.js';
import { orgKind } from './salesforce/hosts.js';
import type { ActiveSession, CheckedStatus, Environment, Exchange, IdTokenVerdict, LoginResult } from './types.js';

export const DEFAULT_SOQL = 'SELECT Id, Name FROM Account LIMIT 5';

/** Salesforce's issued_at is milliseconds since the epoch; a 10-digit value is read as seconds. */
export function formatIssuedAt(issuedAt: string | undefined): string | undefined {
    if (issuedAt === undefined || !/^\d{10,16}$/.test(issuedAt)) return issuedAt;
    const ms = issuedAt.length === 10 ? Number(issuedAt) * 1000 : Number(issuedAt);
    return new Date(ms)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC');
}

/** With a secret, an unsigned answer never gets this far; without one there is nothing to verify with. */
function signatureText(session: ActiveSession): string {
    return session.signatureVerified ? RESULT.signatureVerified : RESULT.publicClient;
}

/**
 * The OpenID Connect verdict: claims are shown only for a verified id_token, never for one that failed, and only
 * those it carries (Salesforce's id_token has sub and exp; profile claims such as preferred_username may be absent).
 */
export function idTokenView(verdict: IdTokenVerdict | undefined, nowMs: number) {
    if (!verdict) return undefined;
    if (!verdict.verified) return { status: RESULT.idTokenFailed(verdict.reason), claims: undefined };
    const { sub, preferred_username, email, name, exp } = verdict.claims;
    const rows: Array<{ name: string; value: string | undefined; id?: string; code?: boolean }> = [
        { name: 'sub', value: sub, id: 'id-token-sub', code: true },
        { name: 'preferred_username', value: preferred_username, id: 'id-token-username' },
        { name: 'email', value: email },
        { name: 'name', value: name },
        { name: 'exp', value: exp ? formatExpiry(exp, nowMs) : undefined },
    ];
    return { status: RESULT.idTokenVerified, claims: rows.filter((r) => r.value !== undefined) };
}

/** What each exchange is, named from its endpoint (and for a token request, its grant). */
export function exchangeTitle(exchange: Exchange): string {
    const path = new URL(exchange.url).pathname;
    const grant = exchange.form.find(([name]) => name === 'grant_type')?.[1];
    if (path.endsWith('/services/oauth2/token')) return `Token request (${grant ?? 'no grant_type'})`;
    if (path.endsWith('/services/oauth2/introspect')) return 'Token introspection';
    if (path.endsWith('/services/oauth2/revoke')) return 'Revoke';
    if (/\/id\/00D/.test(path)) return 'Identity';
    if (path.endsWith('/query')) return 'Query';
    if (path.endsWith('/services/data/')) return 'API versions';
    return path;
}

/** The exchanges as the transcript partial shows them: request, answer and curl line, each secret masked. */
export function transcriptView(exchanges: readonly Exchange[], dropped = 0) {
    return {
        dropped,
        exchanges: exchanges.map((e, i) => ({
            n: i + 1,
            title: exchangeTitle(e),
            method: e.method,
            url: e.url,
            outcome: e.status !== undefined ? `HTTP ${e.status}` : 'no answer',
            ms: `${Math.round(e.ms)} ms`,
            request: [
                ...(e.bearer ? [`Authorization: Bearer ${e.bearer}`] : []),
                ...e.form.map(([name, value]) => `${name}=${value}`),
            ].join('\n'),
            answer: e.answer ?? e.failure ?? '',
            curl: e.curl,
        })),
    };
}

/** `sf org login jwt` for a JWT Bearer result: the same key, app, user and login URL. */
function jwtLine(config: Config, result: LoginResult): string | undefined {
    const username = result.assertion?.claims.sub;
    if (result.flow !== 'jwt_bearer' || typeof username !== 'string') return undefined;
    const loginUrl = result.baseUrl.replace(/\/+$/, '');
    return sfJwtLine(config.clientId, username, config.jwtKeyFile ?? RESULT.noKeyFilePath, loginUrl);
}

function activeView(config: Config, session: ActiveSession, nowMs: number) {
    const t = session.tokens;
    const apiVersion = session.apiVersion ?? config.apiVersion;
    const soql = session.lastQuery?.soql ?? DEFAULT_SOQL;
    const input = { config, tokens: t, apiVersion, soql };
    return {
        apiVersion,
        lastQuery: session.lastQuery,
        soql,
        tokens: { ...t, issuedAt: formatIssuedAt(t.issuedAt) },
        signature: signatureText(session),
        idToken: idTokenView(session.identityToken, nowMs),
        curl: curlLine(input),
        envSnippet: envLines(input),
        sfdxAuthUrl: sfdxAuthUrl(input),
        sf: sfCliLines(input),
        python: pythonRequests(input),
        simpleSalesforce: pythonSimpleSalesforce(input),
        jsforce: jsforceSnippet(input),
    };
}

/** "in 1 h 58 min", "in 4 min", "3 min ago": how far `target` is from `now`. */
export function relativeTime(targetMs: number, nowMs: number): string {
    const minutes = Math.round(Math.abs(targetMs - nowMs) / 60_000);
    const span = minutes >= 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} min`;
    return targetMs >= nowMs ? `in ${span}` : `${span} ago`;
}

// One formatter for the process: building one per call (toLocaleString does) costs about 0.3 ms.
const LOCAL_TIME = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
const LOCAL_CLOCK = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });

/** A moment as the machine's local clock shows it (hours and minutes), like the logins list. */
export function formatLocalTime(ms: number): string {
    return LOCAL_CLOCK.format(new Date(ms));
}

/** The expiry in the machine's local time, which is the person's: this app runs on their computer. */
export function formatExpiry(expSeconds: number, nowMs: number): string {
    const local = LOCAL_TIME.format(new Date(expSeconds * 1000));
    return `${local} (${relativeTime(expSeconds * 1000, nowMs)})`;
}

/** The token-status line and, for an active token, when it expires. */
export function statusView(config: Config, status: CheckedStatus | undefined, nowMs: number) {
    switch (status?.kind) {
        case undefined:
            return { text: RESULT.statusChecking, expiresAt: undefined, pending: true };
        case 'active':
            return { text: RESULT.statusActive, expiresAt: status.exp ? formatExpiry(status.exp, nowMs) : undefined };
        case 'inactive':
            return { text: RESULT.statusInactive, expiresAt: undefined };
        case 'refused':
            return {
                text: config.clientSecret ? RESULT.statusRefused(status.error.error) : RESULT.statusNeedsSecret,
                expiresAt: undefined,
            };
        case 'unknown':
            return { text: RESULT.statusUnknown(status.reason), expiresAt: undefined };
    }
}

export function resultView(config: Config, result: LoginResult, nowMs = Date.now()) {
    const session = result.session.kind === 'active' ? result.session : undefined;
    const { exchanges, dropped } = result.transcript.list();
    return {
        flow: result.flow,
        flowName: RESULT.flowNames[result.flow],
        whyNoRefreshToken: RESULT.whyNoRefreshToken[result.flow],
        runAs:
            result.flow === 'client_credentials' && result.identity?.username
                ? RESULT.runAs(result.identity.username)
                : undefined,
        assertion: result.assertion && {
            header: JSON.stringify(result.assertion.header, null, 2),
            claims: JSON.stringify(result.assertion.claims, null, 2),
        },
        jwtLine: session && jwtLine(config, result),
        transcript: transcriptView(exchanges, dropped),
        status: statusView(config, result.session.status, nowMs),
        who: result.identity?.username ?? result.loginHost,
        id: result.id,
        environment: result.environment,
        loginHost: result.loginHost,
        orgKind: orgKind(result.environment, result.loginHost, session?.tokens.instanceUrl),
        identity: result.identity,
        identityError: result.identityError,
        title: resultTitle(result),
        active: session && activeView(config, session, nowMs),
        summary: loginSummary(result),
    };
}

/**
 * One line of "Logins in this browser" on the first page. The result page hands it to its script, which keeps
 * it in this origin's localStorage: the server never lists a browser's logins by its cookie, which every other
 * localhost port can read or plant.
 */
function loginSummary(result: LoginResult) {
    const session = result.session.kind === 'active' ? result.session : undefined;
    return {
        id: result.id,
        user: result.identity?.username ?? 'Unknown user',
        org: orgKind(result.environment, result.loginHost, session?.tokens.instanceUrl),
        environment: result.environment,
        loginHost: result.loginHost,
        when: formatLocalTime(result.createdAt),
        createdAt: result.createdAt,
        revoked: !session,
    };
}

/** The tab title of a result page: who, where, and the product. */
export function resultTitle(result: LoginResult): string {
    const who = result.identity?.username ?? result.loginHost;
    return `${who} · ${orgKind(result.environment, result.loginHost)} · sf-oauth-auth`;
}

export interface LoginFormValues {
    flow: string;
    username: string;
    sf_env: string;
    my_domain: string;
    scope: string;
    prompt: string;
    login_hint: string;
}

/** A My Domain the app refused, with the host it suggests instead when it can. */
export interface FieldError {
    /** The field the reason is shown next to. */
    field: 'my_domain' | 'username' | 'flow';
    message: string;
    suggestion?: string;
}

/** A Consumer Key shown by its first and last characters: enough to tell which app is loaded. */
export function keyHint(clientId: string): string {
    return clientId.length <= 10 ? clientId : `${clientId.slice(0, 6)}…${clientId.slice(-4)}`;
}

/** The first page: the form (with what the person typed, after a refusal) and the setup card. */
export function indexView(config: Config, options: { form?: Partial<LoginFormValues>; error?: FieldError } = {}) {
    const host = (url: string) => new URL(url).host;
    const hosts: Record<Environment, string | undefined> = {
        Production: host(config.productionUrl),
        Sandbox: host(config.sandboxUrl),
        Dev: host(config.productionUrl),
        Custom: config.simulation && host(config.simulation.myDomainUrl),
    };
    const flow =
        options.form?.flow && (FLOWS as readonly string[]).includes(options.form.flow)
            ? options.form.flow
            : 'web_server';
    const error = options.error;
    return {
        flows: FLOWS.map((value) => ({ value, ...FLOW_CHOICES[value], checked: value === flow })),
        environments: ENVIRONMENTS.map((value) => ({ value, label: ENVIRONMENT_LABELS[value](hosts[value]) })),
        prompts: [...PROMPTS, 'login consent'],
        sandboxHost: host(config.sandboxUrl),
        form: {
            flow,
            username: options.form?.username ?? '',
            sf_env: options.form?.sf_env ?? 'Production',
            my_domain: options.form?.my_domain ?? '',
            scope: options.form?.scope ?? config.scope ?? '',
            prompt: options.form?.prompt ?? config.prompt ?? '',
            login_hint: options.form?.login_hint ?? '',
        },
        /** The refusal, by the field it is shown next to. */
        errors: {
            my_domain: error?.field === 'my_domain' ? error : undefined,
            username: error?.field === 'username' ? error : undefined,
            flow: error?.field === 'flow' ? error : undefined,
        },
        simulated: config.simulation !== undefined,
        consumerKey: keyHint(config.clientId),
        /** Whether a JWT Bearer key is there to sign with (JWT_KEY_FILE, or the demo's own). */
        jwtKey: config.jwtKeyFile !== undefined || config.simulation !== undefined,
        publicClient: config.clientSecret === undefined,
        callbackUrl: config.callbackUrl,
    };
}
