// Everything this app knows about Salesforce host names: which hosts may serve instance and identity
// URLs, which are My Domain login hosts, which are look-alike page domains, and what kind of org a
// host belongs to.
import { isIP } from 'node:net';

/**
 * Domains that may serve `instance_url` and `id`. The first four are the owned domains in
 * @salesforce/core's `SfdcUrl.isSalesforceDomain` (from Salesforce help article 000003652, "Allowlist
 * Salesforce IP addresses and domains"): `.salesforce.com`, `.force.com` (which covers `.secure.force.com`
 * and `.content.force.com`), `.cloudforce.com` and `crmforce.mil`. Its `.salesforceliveagent.com` is left
 * out: it serves chat, never OAuth. The last four are the other clouds' My Domain and site hosts that
 * Salesforce's "My Domain URL formats" help page lists: Government Cloud Plus, alternative domains,
 * Experience Cloud sites and the Alibaba cloud.
 */
export const INSTANCE_DOMAINS = [
    '.salesforce.com',
    '.force.com',
    '.cloudforce.com',
    '.crmforce.mil',
    '.salesforce.mil',
    '.my-salesforce.com',
    '.site.com',
    '.sfcrmproducts.cn',
] as const;

/**
 * My Domain and Experience Cloud login hosts (Salesforce help, "My Domain URL formats").
 * `.my.salesforce.com` covers the partitioned forms too: `.sandbox.`, `.develop.`, `.scratch.`,
 * `.demo.`, `.patch.`, `.trailblaze.`, `.free.`.
 */
export const MY_DOMAIN_SUFFIXES = [
    '.my.salesforce.com',
    '.my.salesforce.mil',
    '.my-salesforce.com',
    '.my.site.com',
    '.my.sfcrmproducts.cn',
] as const;

/** Experience Cloud site hosts: enhanced (`acme.my.site.com`) and the older `*.force.com` site forms. */
export const SITE_SUFFIXES = ['.my.site.com', '.force.com'] as const;

/** Hosts people copy from the browser's address bar that serve pages, not logins, and the login host to use. */
export const LOOKALIKE_SUFFIXES: ReadonlyArray<readonly [lookalike: string, login: string]> = [
    ['.lightning.force.com', '.my.salesforce.com'],
    ['.my.salesforce-setup.com', '.my.salesforce.com'],
    ['.lightning.crmforce.mil', '.my.salesforce.mil'],
    ['.my-lightning.com', '.my-salesforce.com'],
    ['.lightning.sfcrmapps.cn', '.my.sfcrmproducts.cn'],
];

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export function isLoopbackHost(hostname: string): boolean {
    return LOOPBACK_HOSTS.has(hostname);
}

/** True when `host` ends with `suffix` and has at least one label before it. */
export function hasSuffix(host: string, suffix: string): boolean {
    return host.endsWith(suffix) && host.length > suffix.length;
}

export function isIpAddress(host: string): boolean {
    return isIP(host) !== 0 || /^[0-9.]+$/.test(host);
}

/** An instance or identity URL must be https on a Salesforce host, or on loopback when the login host is (the simulator). */
export function isTrustedUrl(raw: unknown, loginBaseUrl: string): raw is string {
    if (typeof raw !== 'string') return false;
    let url: URL;
    try {
        url = new URL(raw);
    } catch {
        return false;
    }
    if (url.username || url.password) return false;
    // The simulator: its instance lives on another loopback port than its login host. A loopback address is
    // trusted only when the login itself went to loopback, never for a real Salesforce login.
    if (isLoopbackHost(new URL(loginBaseUrl).hostname)) return isLoopbackHost(url.hostname);
    return url.protocol === 'https:' && INSTANCE_DOMAINS.some((s) => hasSuffix(url.hostname, s));
}

export type OrgKind = 'Sandbox' | 'Scratch org' | 'Production (Developer Edition)' | 'Production';

/** Sandbox or production, from the environment picked and what the login host and instance URL say. */
export function orgKind(environment: string, loginHost: string, instanceUrl?: string): OrgKind {
    const hosts = [loginHost, instanceUrl ? new URL(instanceUrl).hostname : ''];
    if (
        environment === 'Sandbox' ||
        hosts.some((h) => h === 'test.salesforce.com' || /\.sandbox\.my\.salesforce\.com$|^cs\d+\./.test(h))
    ) {
        return 'Sandbox';
    }
    if (hosts.some((h) => /\.scratch\.my\.salesforce\.com$/.test(h))) return 'Scratch org';
    if (environment === 'Dev' || hosts.some((h) => /\.develop\.my\.salesforce\.com$/.test(h))) {
        return 'Production (Developer Edition)';
    }
    return 'Production';
}

/** An endpoint under a base URL that may carry a path (an Experience Cloud site keeps its endpoints there). */
export function endpointUrl(baseUrl: string, path: string): URL {
    return new URL(baseUrl.replace(/\/+$/, '') + path);
}
