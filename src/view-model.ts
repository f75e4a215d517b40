// What the pages show besides a result (the first page, the token status, the error page), and the one way
// times are written. Values stay raw here; EJS escapes them.
import type { Config } from './config.js';
import type { AppError } from './errors.js';
import type { Fix } from './fix-text.js';
import { ENVIRONMENTS, FLOWS, PROMPTS } from './input.js';
import { ENVIRONMENT_HELP, ENVIRONMENT_LABELS, errorTitle, FLOW_CHOICES, RESULT } from './messages.js';
import { transcriptView } from './transcript.js';
import type { CheckedStatus, Environment } from './types.js';

/** "in 1 h 58 min", "in 4 min", "3 min ago": how far `target` is from `now`. */
export function relativeTime(targetMs: number, nowMs: number): string {
    const minutes = Math.round(Math.abs(targetMs - nowMs) / 60_000);
    const span = minutes >= 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} min`;
    return targetMs >= nowMs ? `in ${span}` : `${span} ago`;
}

// One formatter each for the process: building one per call (toLocaleString does) costs about 0.3 ms.
// Every date on every page is written one way, in the machine's local time with its zone: this app runs on the
// person's own computer.
const LOCAL_DATE_TIME = new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZoneName: 'short',
});
const LOCAL_CLOCK = new Intl.DateTimeFormat('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
});

/** "3 Dec 2026, 14:02:31 CET": a moment, local, with the zone. */
export function formatLocalDateTime(ms: number): string {
    return LOCAL_DATE_TIME.format(new Date(ms));
}

/** "14:02:31": the time of something that just happened (a check), local. */
function formatClock(ms: number): string {
    return LOCAL_CLOCK.format(new Date(ms));
}

/** Salesforce's issued_at is milliseconds since the epoch; a 10-digit value is read as seconds. */
export function formatIssuedAt(issuedAt: string | undefined): string | undefined {
    if (issuedAt === undefined || !/^\d{10,16}$/.test(issuedAt)) return issuedAt;
    return formatLocalDateTime(issuedAt.length === 10 ? Number(issuedAt) * 1000 : Number(issuedAt));
}

/** The expiry, and how far away it is. */
export function formatExpiry(expSeconds: number, nowMs: number): string {
    return `${formatLocalDateTime(expSeconds * 1000)} (${relativeTime(expSeconds * 1000, nowMs)})`;
}

/** The token-status line and, for an active token, when it expires. */
export function statusView(config: Config, status: CheckedStatus | undefined, nowMs: number) {
    const checked = status?.checkedAt === undefined ? undefined : RESULT.checkedAt(formatClock(status.checkedAt));
    return { ...statusLine(config, status, nowMs), checked };
}

function statusLine(config: Config, status: CheckedStatus | undefined, nowMs: number) {
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

export interface LoginFormValues {
    flow: string;
    username: string;
    audience: string;
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
        /** The help under the environment choice, for each environment: the page's script follows the choice. */
        environmentHelp: Object.fromEntries(ENVIRONMENTS.map((e) => [e, ENVIRONMENT_HELP[e](hosts[e])])),
        form: {
            flow,
            username: options.form?.username ?? '',
            audience: options.form?.audience === 'my_domain' ? 'my_domain' : 'login_host',
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
        /** The simulated org's policies page, on its production login host. */
        simulatedSetup: config.simulation && new URL('/setup', config.productionUrl).href,
        consumerKey: keyHint(config.clientId),
        /** Whether JWT_KEY_FILE names a key to sign JWT Bearer assertions with. */
        jwtKey: config.jwtKeyFile !== undefined,
        publicClient: config.clientSecret === undefined,
        callbackUrl: config.callbackUrl,
    };
}

/** The error page: the heading, what went wrong, Salesforce's words, the fix, and the exchanges that led here. */
export function errorView(error: AppError, fix: (Fix & { headline?: string }) | undefined, incident?: string) {
    return {
        title: fix?.headline ?? errorTitle(error.code, error.status),
        message: error.message,
        fix,
        salesforce: error.salesforce,
        status: error.status,
        code: error.code,
        incident,
        transcript: error.exchanges && transcriptView(error.exchanges),
        again: error.status === 404 ? 'Go to the first page' : 'Start again from the first page',
    };
}
