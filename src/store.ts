// In-memory, bounded state: logins waiting for their callback, and the results (tokens) they produced.
// Nothing here touches the network, so every take-and-delete happens before any await.
import { LRUCache } from 'lru-cache';
import type { Environment } from './input.js';
import { constantTimeEqual, type Identity, type QueryOutcome, type TokenSet } from './salesforce.js';

export interface PendingLogin {
    readonly state: string;
    readonly verifier: string;
    readonly environment: Environment;
    /** The login host shown to the person, e.g. test.salesforce.com. */
    readonly loginHost: string;
    /** Where /authorize went and so where the code must be redeemed (RFC 9700 §4.4.2, mix-up defence). */
    readonly baseUrl: string;
    readonly createdAt: number;
}

export interface LoginResult {
    readonly id: string;
    readonly browser: string;
    readonly environment: Environment;
    readonly loginHost: string;
    readonly baseUrl: string;
    tokens?: TokenSet;
    signatureVerified: boolean;
    identity?: Identity;
    identityError?: string;
    apiVersion?: string;
    lastQuery?: QueryOutcome;
    /** A one-line outcome of the last action (refresh, revoke), shown once at the top of the page. */
    notice?: { kind: 'ok' | 'error'; text: string };
    revoked: boolean;
}

export type TakeOutcome =
    | { ok: true; login: PendingLogin }
    | { ok: false; reason: 'no_login_in_progress' | 'state_mismatch' | 'state_already_used' | 'login_expired' };

export interface StoreLimits {
    /** How long a started login waits for its callback (15 minutes, like the authorization code). */
    pendingTtlMs: number;
    /** Pending logins across all browsers; the oldest browser's are evicted past it. */
    maxPending: number;
    /** Pending logins per browser (tabs); a newer one evicts the oldest of that browser. */
    maxPendingPerBrowser: number;
    maxResults: number;
    resultTtlMs: number;
}

export const DEFAULT_LIMITS: StoreLimits = {
    pendingTtlMs: 15 * 60_000,
    maxPending: 30_000,
    maxPendingPerBrowser: 5,
    maxResults: 1_000,
    resultTtlMs: 8 * 3600_000,
};

export class Store {
    readonly limits: StoreLimits;
    private readonly pending: LRUCache<string, PendingLogin[]>;
    private readonly used: LRUCache<string, true>;
    private readonly results: LRUCache<string, LoginResult>;

    constructor(limits: StoreLimits = DEFAULT_LIMITS) {
        this.limits = limits;
        this.pending = new LRUCache({
            maxSize: limits.maxPending,
            sizeCalculation: (logins) => Math.max(1, logins.length),
            // Kept past their expiry so a late callback is told "expired" rather than "unknown"; each
            // login's own createdAt decides.
            ttl: limits.pendingTtlMs * 2,
        });
        this.used = new LRUCache({ max: 10_000, ttl: limits.pendingTtlMs });
        this.results = new LRUCache({ max: limits.maxResults, ttl: limits.resultTtlMs });
    }

    get pendingCount(): number {
        return this.pending.calculatedSize;
    }

    addPending(browser: string, login: PendingLogin): void {
        const now = login.createdAt;
        const live = (this.pending.get(browser) ?? []).filter((p) => now - p.createdAt < this.limits.pendingTtlMs);
        this.pending.set(browser, [...live.slice(-(this.limits.maxPendingPerBrowser - 1)), login]);
    }

    /**
     * Single use: the login whose state matches is removed before the caller does anything else, so a
     * replayed or concurrent callback with the same state finds nothing. States are compared in constant time.
     */
    takePending(browser: string | undefined, state: string, now: number): TakeOutcome {
        const logins = browser ? this.pending.get(browser) : undefined;
        const match = logins?.find((p) => constantTimeEqual(p.state, state));
        if (!logins || !match) {
            if (this.used.has(state)) return { ok: false, reason: 'state_already_used' };
            return { ok: false, reason: logins ? 'state_mismatch' : 'no_login_in_progress' };
        }
        const rest = logins.filter((p) => p !== match);
        if (rest.length > 0) this.pending.set(browser!, rest);
        else this.pending.delete(browser!);
        this.used.set(state, true);
        if (now - match.createdAt >= this.limits.pendingTtlMs) return { ok: false, reason: 'login_expired' };
        return { ok: true, login: match };
    }

    addResult(result: LoginResult): void {
        this.results.set(result.id, result);
    }

    /** A result is only visible to the browser whose login produced it. */
    getResult(browser: string | undefined, id: string): LoginResult | undefined {
        const result = this.results.get(id);
        if (!result || !browser || !constantTimeEqual(result.browser, browser)) return undefined;
        return result;
    }
}
