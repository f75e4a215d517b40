import { isIP } from 'node:net';
import { distance } from 'fastest-levenshtein';
import { AppError, ConfigError } from './errors.js';
import { parsePrompt, parseScope } from './input.js';
import { isLoopbackHost } from './salesforce/hosts.js';
import { proxySettings, type ProxySettings } from './salesforce/proxy.js';

export interface Config {
    readonly clientId: string;
    /** Absent: the app is a PKCE public client and sends no client_secret. */
    readonly clientSecret?: string;
    /** `http://localhost:7777`: the one origin pages are served from and the callback lives on. */
    readonly origin: string;
    readonly host: string;
    readonly port: number;
    /**
     * APP_BIND: an address to listen on instead of loopback, for a container published with
     * `docker run -p 127.0.0.1:7777:7777`. The Host check still answers only the APP_URL host.
     */
    readonly bind?: string;
    /** The exact callback URL to register in Salesforce, sent byte-identical to /authorize and /token. */
    readonly callbackUrl: string;
    readonly productionUrl: string;
    readonly sandboxUrl: string;
    readonly authorizePath: string;
    readonly tokenPath: string;
    readonly httpTimeoutMs: number;
    /** HTTPS_PROXY, HTTP_PROXY and NO_PROXY (or their lower-case forms), for every call to Salesforce. */
    readonly proxy: ProxySettings;
    /** How long POST /login waits for Salesforce's verdict on the authorize request; 0 when PREFLIGHT=off. */
    readonly preflightTimeoutMs: number;
    readonly apiVersion?: string;
    /** JWT_KEY_FILE: the PEM RSA private key a JWT Bearer login signs with (`npm run jwt-key` makes one). */
    readonly jwtKeyFile?: string;
    readonly scope?: string;
    readonly prompt?: string;
    /**
     * Set by the demo and the tests only, never from the environment: the built-in simulator's origin
     * that stands in for every My Domain host, and the banner that says the org is simulated.
     */
    readonly simulation?: { readonly myDomainUrl: string };
}

export type Env = Readonly<Record<string, string | undefined>>;

function value(env: Env, name: string): string | undefined {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
}

/**
 * A Salesforce base URL: https with no path. Plain http is accepted for loopback hosts only, which is
 * how the simulator is reached; Salesforce itself answers http with `unsupported_grant_type`.
 */
function baseUrl(env: Env, name: string, fallback: string, problems: string[]): string {
    const raw = value(env, name) ?? fallback;
    let url: URL;
    try {
        url = new URL(raw);
    } catch {
        problems.push(`${name} must be a URL such as ${fallback} (got "${raw}")`);
        return fallback;
    }
    const httpAllowed = url.protocol === 'http:' && isLoopbackHost(url.hostname);
    if (url.protocol !== 'https:' && !httpAllowed) {
        problems.push(`${name} must start with https:// (got "${raw}")`);
    } else if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
        problems.push(`${name} must be a bare origin such as ${fallback}, without a path (got "${raw}")`);
    }
    return url.origin;
}

function path(env: Env, name: string, fallback: string, problems: string[]): string {
    const raw = value(env, name) ?? fallback;
    if (!/^\/[A-Za-z0-9/_.-]*$/.test(raw)) problems.push(`${name} must be a path such as ${fallback} (got "${raw}")`);
    return raw;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number, problems: string[]): number {
    const raw = value(env, name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > max) {
        problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
        return fallback;
    }
    return n;
}

function optional<T>(problems: string[], check: () => T): T | undefined {
    try {
        return check();
    } catch (err) {
        if (err instanceof AppError) problems.push(err.message);
        else throw err;
        return undefined;
    }
}

/** APP_URL with APP_PORT: the one loopback origin pages are served from and the callback returns to. */
function appOrigin(env: Env, port: number, problems: string[]): { host: string; origin: string } {
    const appUrlRaw = value(env, 'APP_URL') ?? 'http://localhost';
    let host = 'localhost';
    let origin = `http://localhost:${port}`;
    try {
        const url = new URL(appUrlRaw);
        host = url.hostname;
        if (url.protocol !== 'http:') {
            problems.push(
                `APP_URL must start with http:// (this app serves plain HTTP on loopback; got "${appUrlRaw}")`,
            );
        } else if (!isLoopbackHost(url.hostname)) {
            problems.push(
                `APP_URL must be http://localhost or http://127.0.0.1: the app listens on loopback only (got "${appUrlRaw}")`,
            );
        } else if (url.port !== '' && Number(url.port) !== port) {
            problems.push(`APP_URL has port ${url.port} but APP_PORT is ${port}: put the port in APP_PORT only`);
        } else if (url.pathname !== '/' || url.search || url.hash || url.username) {
            problems.push(
                `APP_URL must be a bare origin such as http://localhost, without a path (got "${appUrlRaw}")`,
            );
        }
        url.port = String(port);
        origin = url.origin;
    } catch {
        problems.push(`APP_URL must be a URL such as http://localhost (got "${appUrlRaw}")`);
    }

    return { host, origin };
}

/** A proxy variable must be an http(s) URL; naming the variable (never its value, which may hold a password). */
function proxyProblems(proxy: ProxySettings): string[] {
    const named: Array<[string, string | undefined]> = [
        ['HTTPS_PROXY', proxy.https],
        ['HTTP_PROXY', proxy.http],
    ];
    return named
        .filter(([, url]) => url !== undefined && !/^https?:\/\/[^/]/.test(url))
        .map(([name]) => `${name} must be a URL such as http://proxy.example:8080 (check the lower-case form too)`);
}

const MISSING_CLIENT_ID =
    'CLIENT_ID is missing: set it to the Consumer Key of your External Client App (or Connected App)';

function bindAddress(env: Env, problems: string[]): string | undefined {
    const bind = value(env, 'APP_BIND');
    if (bind !== undefined && isIP(bind) === 0) {
        problems.push(`APP_BIND must be an IP address such as 0.0.0.0 (got "${bind}")`);
    }
    return bind;
}

/** PREFLIGHT=off turns the authorize preflight off: a timeout of 0. */
function preflightTimeout(env: Env, problems: string[]): number {
    const preflight = value(env, 'PREFLIGHT')?.toLowerCase() ?? 'on';
    if (preflight !== 'on' && preflight !== 'off') problems.push(`PREFLIGHT must be on or off (got "${preflight}")`);
    return preflight === 'off' ? 0 : integer(env, 'PREFLIGHT_TIMEOUT_MS', 3000, 100, 60000, problems);
}

/** API_VERSION as Salesforce writes it (66.0); v66 and 66 are accepted. */
function apiVersionOf(env: Env, problems: string[]): string | undefined {
    const apiVersion = value(env, 'API_VERSION');
    if (apiVersion === undefined) return undefined;
    const m = /^v?(\d{2,3})(?:\.0)?$/.exec(apiVersion);
    if (m) return `${m[1]}.0`;
    problems.push(`API_VERSION must look like 66.0 (got "${apiVersion}")`);
    return apiVersion;
}

/** Reads every variable at once and throws one ConfigError that names each bad one. Pure: no I/O. */
export function loadConfig(env: Env): Config {
    const problems: string[] = [];

    const clientId = value(env, 'CLIENT_ID');
    if (!clientId) problems.push(MISSING_CLIENT_ID);
    const clientSecret = value(env, 'CLIENT_SECRET');

    const port = integer(env, 'APP_PORT', 7777, 1, 65535, problems);
    const { host, origin } = appOrigin(env, port, problems);
    const bind = bindAddress(env, problems);

    const productionUrl = baseUrl(env, 'BASE_SALESFORCE_PRODUCTION_URL', 'https://login.salesforce.com', problems);
    const sandboxUrl = baseUrl(env, 'BASE_SALESFORCE_SANDBOX_URL', 'https://test.salesforce.com', problems);
    const authorizePath = path(env, 'AUTHORIZE_URL', '/services/oauth2/authorize', problems);
    const tokenPath = path(env, 'TOKEN_URL', '/services/oauth2/token', problems);
    const httpTimeoutMs = integer(env, 'HTTP_TIMEOUT_MS', 10000, 100, 600000, problems);
    const proxy = proxySettings(env);
    problems.push(...proxyProblems(proxy));
    const preflightTimeoutMs = preflightTimeout(env, problems);

    const apiVersion = apiVersionOf(env, problems);
    const scope = optional(problems, () => parseScope(value(env, 'SCOPE'), 'SCOPE'));
    const prompt = optional(problems, () => parsePrompt(value(env, 'PROMPT'), 'PROMPT'));

    if (problems.length > 0 || !clientId) throw new ConfigError(problems);

    return Object.freeze({
        clientId,
        clientSecret,
        origin,
        host,
        port,
        bind,
        callbackUrl: new URL('/callback', origin).href,
        productionUrl,
        sandboxUrl,
        authorizePath,
        tokenPath,
        httpTimeoutMs,
        proxy,
        preflightTimeoutMs,
        apiVersion,
        jwtKeyFile: value(env, 'JWT_KEY_FILE'),
        scope,
        prompt,
    });
}

/** Every variable this app reads (the proxy variables in either case, as curl reads them). */
const SETTINGS = [
    'CLIENT_ID',
    'CLIENT_SECRET',
    'APP_URL',
    'APP_PORT',
    'APP_BIND',
    'BASE_SALESFORCE_PRODUCTION_URL',
    'BASE_SALESFORCE_SANDBOX_URL',
    'AUTHORIZE_URL',
    'TOKEN_URL',
    'SCOPE',
    'PROMPT',
    'API_VERSION',
    'JWT_KEY_FILE',
    'HTTP_TIMEOUT_MS',
    'PREFLIGHT',
    'PREFLIGHT_TIMEOUT_MS',
    'HTTPS_PROXY',
    'HTTP_PROXY',
    'NO_PROXY',
] as const;

/**
 * Names in a .env file that are no setting but one or two typing slips from one (`CLIENT_SECERT`, `APP_PROT`,
 * `client_id`): they would be ignored in silence, and the app would run without the value the person set.
 */
export function nearMisses(names: Iterable<string>): Array<{ name: string; meant: string }> {
    const known = new Set<string>(SETTINGS);
    const found: Array<{ name: string; meant: string }> = [];
    for (const name of names) {
        if (known.has(name) || (known.has(name.toUpperCase()) && /_PROXY$/i.test(name))) continue;
        const upper = name.toUpperCase();
        const meant = SETTINGS.find((s) => s === upper || distance(s, upper) <= (s.length > 6 ? 2 : 1));
        if (meant) found.push({ name, meant });
    }
    return found;
}
