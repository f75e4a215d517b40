// Turns a stored login result into what the result page shows: the token card, who logged in, the hand-offs and
// the transcript. Every choice of words and every plural is made here, not in the template. Values stay raw; EJS
// escapes them.
import type { Config } from './config.js';
import {
    curlLine,
    envLines,
    jsforceSnippet,
    pythonRequests,
    pythonSimpleSalesforce,
    SF_CLI_CHECKED,
    sfCliLines,
    sfdxAuthUrl,
    sfJwtLine,
} from './handoff.js';
import { RESULT } from './messages.js';
import { orgKind } from './salesforce/hosts.js';
import { transcriptView } from './transcript.js';
import type { ActiveSession, IdTokenVerdict, LoginResult } from './types.js';
import { formatExpiry, formatIssuedAt, formatLocalDateTime, statusView } from './view-model.js';

export const DEFAULT_SOQL = 'SELECT Id, Name FROM Account LIMIT 5';

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

/** `sf org login jwt` for a JWT Bearer result: the same key, app, user and login URL. */
function jwtLine(config: Config, result: LoginResult): string | undefined {
    const username = result.assertion?.claims.sub;
    if (result.flow !== 'jwt_bearer' || typeof username !== 'string') return undefined;
    const loginUrl = result.baseUrl.replace(/\/+$/, '');
    return sfJwtLine(config.clientId, username, config.jwtKeyFile ?? RESULT.noKeyFilePath, loginUrl);
}

/** A block of text with its Copy button; `secret` marks text that "Hide tokens" covers (it carries a token). */
interface CopyBlock {
    id: string;
    text: string;
    copy: string;
    /** Several lines: kept as written. */
    pre?: boolean;
    secret?: boolean;
    /** A sentence before the block. */
    intro?: string;
}

/** One tool of "Use it in", shown as a disclosure of its own: one open at a time. */
interface Handoff {
    id: string;
    title: string;
    blocks: CopyBlock[];
    note?: string;
    download?: { href: string; text: string; after: string };
}

/** Every hand-off, in the order people reach for them. */
function handoffs(config: Config, result: LoginResult, session: ActiveSession): Handoff[] {
    const t = session.tokens;
    const apiVersion = session.apiVersion ?? config.apiVersion;
    const input = { config, tokens: t, apiVersion, soql: session.lastQuery?.soql ?? DEFAULT_SOQL };
    const curl = curlLine(input);
    const authUrl = sfdxAuthUrl(input);
    const sf = sfCliLines(input);
    const jwt = jwtLine(config, result);
    const cli: CopyBlock[] = [
        ...(authUrl
            ? [
                  {
                      id: 'sfdx-auth-url',
                      text: authUrl,
                      copy: 'Copy SFDX auth URL',
                      secret: true,
                      intro: RESULT.sfdxUrlIntro,
                  },
                  {
                      id: 'sf-sfdx-url',
                      text: sf.sfdxUrl!,
                      copy: 'Copy sf org login sfdx-url',
                      intro: RESULT.sfdxUrlThen,
                  },
              ]
            : []),
        ...(jwt ? [{ id: 'sf-jwt', text: jwt, copy: 'Copy sf org login jwt', intro: RESULT.sfJwtIntro }] : []),
        {
            id: 'sf-access-token',
            text: sf.accessToken,
            copy: 'Copy sf org login access-token',
            intro: RESULT.sfAccessTokenIntro,
        },
    ];
    const list: Handoff[] = [
        ...(curl
            ? [
                  {
                      id: 'curl',
                      title: 'curl: the query below',
                      blocks: [{ id: 'curl-line', text: curl, copy: 'Copy curl command', secret: true }],
                  },
              ]
            : []),
        {
            id: 'env',
            title: 'A .env file',
            blocks: [{ id: 'env-snippet', text: envLines(input), copy: 'Copy .env lines', pre: true, secret: true }],
        },
        { id: 'sf', title: 'The Salesforce CLI', blocks: cli, note: RESULT.sfCliChecked(SF_CLI_CHECKED) },
        {
            id: 'python',
            title: 'Python: requests',
            blocks: [
                {
                    id: 'python-requests',
                    text: pythonRequests(input),
                    copy: 'Copy Python (requests)',
                    pre: true,
                    secret: true,
                },
            ],
        },
        {
            id: 'simple-salesforce',
            title: 'Python: simple_salesforce',
            blocks: [
                {
                    id: 'python-simple-salesforce',
                    text: pythonSimpleSalesforce(input),
                    copy: 'Copy Python (simple_salesforce)',
                    pre: true,
                    secret: true,
                },
            ],
        },
        {
            id: 'jsforce',
            title: 'Node: jsforce',
            blocks: [
                {
                    id: 'jsforce-snippet',
                    text: jsforceSnippet(input),
                    copy: 'Copy JavaScript (jsforce)',
                    pre: true,
                    secret: true,
                },
            ],
        },
        {
            id: 'postman',
            title: 'Postman',
            blocks: [],
            download: {
                href: `/result/${result.id}/postman-environment.json`,
                text: 'Download a Postman environment',
                after: ' for the Salesforce Platform APIs collection (tokens marked secret).',
            },
        },
    ];
    return list;
}

/** The id_token verdict, with its row styled as a warning when a check failed. */
function idTokenLine(session: ActiveSession, nowMs: number) {
    const view = idTokenView(session.identityToken, nowMs);
    return view && { ...view, failed: session.identityToken?.verified === false };
}

function activeView(config: Config, result: LoginResult, session: ActiveSession, nowMs: number) {
    const t = session.tokens;
    const apiVersion = session.apiVersion ?? config.apiVersion;
    const lastQuery = session.lastQuery;
    return {
        apiVersion,
        lastQuery: lastQuery && {
            ...lastQuery,
            summary: lastQuery.ok ? RESULT.recordCount(lastQuery.totalSize) : undefined,
        },
        soql: lastQuery?.soql ?? DEFAULT_SOQL,
        tokens: { ...t, issuedAt: formatIssuedAt(t.issuedAt) },
        signature: signatureText(session),
        idToken: idTokenLine(session, nowMs),
        refreshToken: t.refreshToken && {
            id: 'refresh-token',
            text: t.refreshToken,
            copy: 'Copy refresh token',
            secret: true,
        },
        handoffs: handoffs(config, result, session),
        simulatedData: config.simulation ? RESULT.simulatedData : undefined,
    };
}

/**
 * Where the token came from, beside the org badge: the flow, the environment (unless the badge already says it)
 * and the login host.
 */
function placeNote(result: LoginResult, kind: string): string {
    const parts: string[] = [RESULT.flowNames[result.flow]];
    if (result.environment !== kind) parts.push(result.environment);
    parts.push(result.loginHost);
    return parts.join(' · ');
}

export function resultView(config: Config, result: LoginResult, nowMs = Date.now()) {
    const session = result.session.kind === 'active' ? result.session : undefined;
    const { exchanges, dropped } = result.transcript.list();
    const kind = resultOrgKind(result);
    return {
        flow: result.flow,
        whyNoRefreshToken: RESULT.whyNoRefreshToken[result.flow],
        runAs:
            result.flow === 'client_credentials' && result.identity?.username
                ? RESULT.runAs(result.identity.username)
                : undefined,
        assertion: result.assertion && {
            header: JSON.stringify(result.assertion.header, null, 2),
            claims: JSON.stringify(result.assertion.claims, null, 2),
        },
        transcript: transcriptView(exchanges, dropped),
        status: statusView(config, result.session.status, nowMs),
        who: result.identity?.username ?? result.loginHost,
        whoParts: breakPoints(result.identity?.username ?? result.loginHost),
        id: result.id,
        environment: result.environment,
        loginHost: result.loginHost,
        orgKind: kind,
        sandboxBadge: kind === 'Sandbox' || kind === 'Scratch org',
        placeNote: placeNote(result, kind),
        identity: result.identity,
        identityError: result.identityError,
        title: resultTitle(result),
        active: session && activeView(config, result, session, nowMs),
        summary: loginSummary(result),
    };
}

/**
 * A username or host cut where a line may break on a narrow screen: before its @ and after each dot
 * ("api.user@acme.com" → "api.", "user", "@acme.", "com"), never inside a word.
 */
export function breakPoints(text: string): string[] {
    return text.split(/(?=@)|(?<=\.)/).filter(Boolean);
}

/** The org's kind, from the environment, the login host and (while the tokens are kept) the instance URL. */
function resultOrgKind(result: LoginResult) {
    const instanceUrl = result.session.kind === 'active' ? result.session.tokens.instanceUrl : undefined;
    return orgKind(result.environment, result.loginHost, instanceUrl ?? result.instanceUrl);
}

/**
 * One line of "Logins in this browser" on the first page. The result page hands it to its script, which keeps
 * it in this origin's localStorage: the server never lists a browser's logins by its cookie, which every other
 * localhost port can read or plant.
 */
function loginSummary(result: LoginResult) {
    return {
        id: result.id,
        user: result.identity?.username ?? 'Unknown user',
        org: resultOrgKind(result),
        environment: result.environment,
        loginHost: result.loginHost,
        when: formatLocalDateTime(result.createdAt),
        createdAt: result.createdAt,
        revoked: result.session.kind !== 'active',
    };
}

/** The tab title of a result page: who, and the same org kind as the page's badge. */
export function resultTitle(result: LoginResult): string {
    const who = result.identity?.username ?? result.loginHost;
    return `${who} · ${resultOrgKind(result)} · sf-oauth-auth`;
}
