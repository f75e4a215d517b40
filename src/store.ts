// In-memory, bounded state: logins waiting for their callback, and the results (tokens) they produced.
// Nothing here touches the network, so every take-and-delete happens before any await. Time comes from
// the clock passed in, so tests can move it.
import { LRUCache } from 'lru-cache';
import { constantTimeEqual } from './crypto.js';
import type { Environment } from './input.js';
import type { Identity, QueryOutcome, TokenSet } from './salesforce/client.js';

export type Clock = () => number;

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

/** Tokens that can still be used, with what the page learned while using them. */
export interface ActiveSession {
    readonly kind: 'active';
    readonly tokens: TokenSet;
    readonly signatureVerified: boolean;
    apiVersion?: string;
    lastQuery?: QueryOutcome;
}

/** After a revoke the tokens are forgotten: nothing but the fact remains. */
export interface RevokedSession {
    readonly kind: 'revoked';
}

export interface LoginResult {
    readonly id: string;
    readonly browser: string;
    readonly environment: Environment;
    readonly loginHost: string;
    readonly baseUrl: string;
    readonly identity?: Identity;
    readonly identityError?: string;
    session: ActiveSession | RevokedSession;
    /** A one-line outcome of the last action (refresh, revoke), shown once at the top of the page. */
    notice?: { kind: 'ok' | 'error'; text: string };
}

export type TakeFailure = 'no_login_in_progress' | 'state_mismatch' | 'state_already_used' | 'login_expired';

export type TakeOutcome = { ok: true; login: PendingLogin; browser: string } | { ok: false; reason: TakeFailure };

export interface StoreLimits {
    /** How long a started login waits for its callback (15 minutes, like the authorization code). */
    pendingTtlMs: number;
    /** Pending logins across all browsers; the oldest browser's are evicted past it. */
    maxPending: number;
    /** Pending logins per browser (tabs); a newer one evicts the oldest of that browser. */
    maxPendingPerBrowser: number;
    /** States already redeemed, remembered for pendingTtlMs so a replay is named as one. */
    maxUsedStates: number;
    maxResults: number;
    resultTtlMs: number;
}

export const DEFAULT_LIMITS: StoreLimits = {
    pendingTtlMs: 15 * 60_000,
    maxPending: 30_000,
    maxPendingPerBrowser: 5,
    maxUsedStates: 10_000,
    maxResults: 1_000,
    resultTtlMs: 8 * 3600_000,
};

export class Store {
    readonly limits: StoreLimits;
    private readonly now: Clock;
    private readonly pending: LRUCache<string, PendingLogin[]>;
    private readonly used: LRUCache<string, true>;
    private readonly results: LRUCache<string, LoginResult>;

    constructor(limits: StoreLimits = DEFAULT_LIMITS, now: Clock = Date.now) {
        this.limits = limits;
        this.now = now;
        // lru-cache's expiry follows the same clock (`perf`), read on every check rather than cached
        // for a millisecond (`ttlResolution`), so a moved clock takes effect at once.
        const clockOptions = { perf: { now }, ttlResolution: 0 };
        this.pending = new LRUCache({
            maxSize: limits.maxPending,
            sizeCalculation: (logins) => Math.max(1, logins.length),
            // Kept past their expiry so a late callback is told "expired" rather than "unknown"; each
            // login's own createdAt decides.
            ttl: limits.pendingTtlMs * 2,
            ...clockOptions,
        });
        this.used = new LRUCache({ max: limits.maxUsedStates, ttl: limits.pendingTtlMs, ...clockOptions });
        this.results = new LRUCache({ max: limits.maxResults, ttl: limits.resultTtlMs, ...clockOptions });
    }

    get pendingCount(): number {
        return this.pending.calculatedSize;
    }

    addPending(browser: string, login: Omit<PendingLogin, 'createdAt'>): void {
        const now = this.now();
        const live = (this.pending.get(browser) ?? []).filter((p) => now - p.createdAt < this.limits.pendingTtlMs);
        const kept = live.slice(-(this.limits.maxPendingPerBrowser - 1));
        this.pending.set(browser, [...kept, { ...login, createdAt: now }]);
    }

    /**
     * Single use: the login whose state matches is removed before the caller does anything else, so a
     * replayed or concurrent callback with the same state finds nothing. States are compared in constant time.
     */
    takePending(browser: string | undefined, state: string): TakeOutcome {
        const logins = browser ? this.pending.get(browser) : undefined;
        const match = logins?.find((p) => constantTimeEqual(p.state, state));
        if (!browser || !logins || !match) {
            if (this.used.has(state)) return { ok: false, reason: 'state_already_used' };
            return { ok: false, reason: logins ? 'state_mismatch' : 'no_login_in_progress' };
        }
        const rest = logins.filter((p) => p !== match);
        if (rest.length > 0) this.pending.set(browser, rest);
        else this.pending.delete(browser);
        this.used.set(state, true);
        if (this.now() - match.createdAt >= this.limits.pendingTtlMs) return { ok: false, reason: 'login_expired' };
        return { ok: true, login: match, browser };
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
