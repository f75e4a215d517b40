// Turns a stored login result into what the result page shows. Values stay raw here; EJS escapes them.
import type { Config } from './config.js';
import type { LoginResult } from './store.js';

export const DEFAULT_SOQL = 'SELECT Id, Name FROM Account LIMIT 5';

/** POSIX shell single-quoting, so a copied curl line is safe whatever the token contains. */
export function shellQuote(value: string): string {
    return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function formatIssuedAt(issuedAt: string | undefined): string | undefined {
    if (issuedAt === undefined || !/^\d{10,16}$/.test(issuedAt)) return issuedAt;
    return new Date(Number(issuedAt))
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC');
}

/** Sandbox or production, from what the login host and instance URL say. */
export function orgKind(result: Pick<LoginResult, 'environment' | 'loginHost'>, instanceUrl?: string): string {
    const hosts = [result.loginHost, instanceUrl ? new URL(instanceUrl).hostname : ''];
    if (
        result.environment === 'Sandbox' ||
        hosts.some((h) => h === 'test.salesforce.com' || /\.sandbox\.my\.salesforce\.com$|^cs\d+\./.test(h))
    ) {
        return 'Sandbox';
    }
    if (hosts.some((h) => /\.scratch\.my\.salesforce\.com$/.test(h))) return 'Scratch org';
    if (result.environment === 'Dev' || hosts.some((h) => /\.develop\.my\.salesforce\.com$/.test(h))) {
        return 'Production (Developer Edition)';
    }
    return 'Production';
}

export function resultView(config: Config, result: LoginResult) {
    const t = result.tokens;
    const version = result.apiVersion ?? config.apiVersion;
    const queryUrl = t && version ? new URL(`/services/data/v${version}/query`, t.instanceUrl).href : undefined;
    const soql = result.lastQuery?.soql ?? DEFAULT_SOQL;
    return {
        id: result.id,
        environment: result.environment,
        loginHost: result.loginHost,
        orgKind: orgKind(result, t?.instanceUrl),
        revoked: result.revoked,
        identity: result.identity,
        identityError: result.identityError,
        apiVersion: version,
        lastQuery: result.lastQuery,
        soql,
        tokens: t && {
            accessToken: t.accessToken,
            refreshToken: t.refreshToken,
            instanceUrl: t.instanceUrl,
            id: t.id,
            issuedAt: formatIssuedAt(t.issuedAt),
            scope: t.scope,
            tokenType: t.tokenType,
        },
        signature: result.signatureVerified
            ? 'Verified with CLIENT_SECRET'
            : config.clientSecret
              ? 'Not verified: Salesforce sent no signature'
              : 'Not verified: no CLIENT_SECRET is configured (public client)',
        curl:
            t && queryUrl
                ? `curl --get ${shellQuote(queryUrl)} --data-urlencode ${shellQuote(`q=${soql}`)} -H ${shellQuote(`Authorization: Bearer ${t.accessToken}`)}`
                : undefined,
        envSnippet: t
            ? [
                  `SF_ACCESS_TOKEN=${t.accessToken}`,
                  `SF_INSTANCE_URL=${t.instanceUrl}`,
                  ...(version ? [`SF_API_VERSION=${version}`] : []),
              ].join('\n')
            : undefined,
    };
}
