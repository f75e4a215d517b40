// Turns a stored login result into what the result page shows. Values stay raw here; EJS escapes them.
import type { Config } from './config.js';
import { RESULT } from './messages.js';
import { orgKind } from './salesforce/hosts.js';
import type { TokenSet } from './salesforce/client.js';
import type { ActiveSession, LoginResult } from './store.js';

export const DEFAULT_SOQL = 'SELECT Id, Name FROM Account LIMIT 5';

/** POSIX shell single-quoting, so a copied curl line is safe whatever the token contains. */
export function shellQuote(value: string): string {
    return `'${value.replace(/'/g, `'\\''`)}'`;
}

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

function curlLine(queryUrl: string, soql: string, t: TokenSet): string {
    return `curl --get ${shellQuote(queryUrl)} --data-urlencode ${shellQuote(`q=${soql}`)} -H ${shellQuote(`Authorization: Bearer ${t.accessToken}`)}`;
}

function envLines(t: TokenSet, version: string | undefined): string {
    const lines = [`SF_ACCESS_TOKEN=${t.accessToken}`, `SF_INSTANCE_URL=${t.instanceUrl}`];
    if (version) lines.push(`SF_API_VERSION=${version}`);
    return lines.join('\n');
}

function activeView(config: Config, session: ActiveSession) {
    const t = session.tokens;
    const version = session.apiVersion ?? config.apiVersion;
    const queryUrl = version ? new URL(`/services/data/v${version}/query`, t.instanceUrl).href : undefined;
    const soql = session.lastQuery?.soql ?? DEFAULT_SOQL;
    return {
        apiVersion: version,
        lastQuery: session.lastQuery,
        soql,
        tokens: { ...t, issuedAt: formatIssuedAt(t.issuedAt) },
        signature: signatureText(session),
        curl: queryUrl ? curlLine(queryUrl, soql, t) : undefined,
        envSnippet: envLines(t, version),
    };
}

export function resultView(config: Config, result: LoginResult) {
    const session = result.session.kind === 'active' ? result.session : undefined;
    return {
        id: result.id,
        environment: result.environment,
        loginHost: result.loginHost,
        orgKind: orgKind(result.environment, result.loginHost, session?.tokens.instanceUrl),
        identity: result.identity,
        identityError: result.identityError,
        active: session && activeView(config, session),
    };
}
