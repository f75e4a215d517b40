// Before sending a person to Salesforce, ask its authorize endpoint the same question server-side: a
// wrong Consumer Key, an unregistered callback URL or a scope the app does not allow makes Salesforce
// show its own page, from which the person never comes back. The verdict is kept a short while per
// login host, client, callback and scope, so a burst of logins asks once.
import { LRUCache } from 'lru-cache';
import type { Config } from './config.js';
import { codeChallenge, randomToken } from './crypto.js';
import { buildAuthorizeUrl } from './oauth/authorize.js';
import type { SalesforceClient } from './salesforce/client.js';
import type { SalesforceError } from './types.js';

export interface PreflightTarget {
    baseUrl: string;
    scope?: string;
    prompt?: string;
}

export type Preflight = (target: PreflightTarget) => Promise<SalesforceError | undefined>;

const VERDICT_TTL_MS = 60_000;

export function createPreflight(config: Config, salesforce: SalesforceClient): Preflight {
    // The promise is cached, so requests that arrive while the first is in flight share its answer.
    const verdicts = new LRUCache<string, Promise<SalesforceError | undefined>>({ max: 200, ttl: VERDICT_TTL_MS });
    return (target) => {
        if (config.preflightTimeoutMs === 0) return Promise.resolve(undefined);
        // JSON, not a joined string: scope "api login" with prompt "consent" is another question than scope
        // "api" with prompt "login consent".
        const key = JSON.stringify([target.baseUrl, config.clientId, config.callbackUrl, target.scope, target.prompt]);
        const cached = verdicts.get(key);
        if (cached) return cached;
        // A throwaway state and challenge: this request never leads to a login.
        const url = buildAuthorizeUrl({
            baseUrl: target.baseUrl,
            authorizePath: config.authorizePath,
            clientId: config.clientId,
            redirectUri: config.callbackUrl,
            state: randomToken(),
            codeChallenge: codeChallenge(randomToken()),
            scope: target.scope,
            prompt: target.prompt,
        });
        // Never block a login on a doubt: a timeout or a network failure lets the person go on.
        const verdict = salesforce.preflight(url, config.preflightTimeoutMs).catch(() => undefined);
        verdicts.set(key, verdict);
        return verdict;
    };
}
