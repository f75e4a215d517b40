// In-memory, bounded state: logins waiting for their callback, and the results (tokens) they produced.
// Nothing here touches the network, so every take-and-delete happens before any await. Time comes from
// the clock passed in, so tests can move it.
import { LRUCache } from 'lru-cache';
import { constantTimeEqual } from './crypto.js';
import { ResultWork } from './result-work.js';
import type { AwaitingTab, LoginResult, PendingLogin, StoreLimits } from './types.js';

export type Clock = () => number;

export type TakeFailure = 'no_login_in_progress' | 'state_mismatch' | 'state_already_used' | 'login_expired';

export type TakeOutcome = { ok: true; login: PendingLogin; browser: string } | { ok: false; reason: TakeFailure };

export const DEFAULT_LIMITS: StoreLimits = {
    pendingTtlMs: 15 * 60_000,
    maxPending: 30_000,
    maxPendingPerBrowser: 5,
    protectedPendingMs: 5 * 60_000,
    maxUsedStates: 10_000,
    maxResults: 10_000,
    resultTtlMs: 8 * 3600_000,
    protectedResultMs: 60 * 60_000,
};

export class Store {
    readonly limits: StoreLimits;
    private readonly now: Clock;
    private readonly pending: LRUCache<string, PendingLogin[]>;
    private readonly used: LRUCache<string, true>;
    private readonly results: LRUCache<string, LoginResult>;
    /** How many results each browser has, so a browser this app knows is recognised. */
    private readonly resultsPerBrowser = new Map<string, number>();
    private readonly awaitingTab: LRUCache<string, AwaitingTab>;
    /** Each result's work in flight, gone with the result. */
    private readonly work = new WeakMap<LoginResult, ResultWork>();

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
        this.results = new LRUCache({
            max: limits.maxResults,
            ttl: limits.resultTtlMs,
            ...clockOptions,
            dispose: (result) => this.countResult(result.browser, -1),
        });
        // The tab answers within a second of the callback page loading; two minutes is plenty.
        this.awaitingTab = new LRUCache({ max: 1_000, ttl: 2 * 60_000, ...clockOptions });
    }

    private countResult(browser: string, change: 1 | -1): void {
        const n = (this.resultsPerBrowser.get(browser) ?? 0) + change;
        if (n > 0) this.resultsPerBrowser.set(browser, n);
        else this.resultsPerBrowser.delete(browser);
    }

    /** Only ids this app issued and still holds logins or results for are accepted (no session fixation). */
    knowsBrowser(browser: string): boolean {
        return this.pending.has(browser) || this.resultsPerBrowser.has(browser);
    }

    get pendingCount(): number {
        return this.pending.calculatedSize;
    }

    /** Whether one more pending login fits without evicting a login younger than protectedPendingMs. */
    private roomForOneMore(browser: string): boolean {
        if (this.pending.calculatedSize < this.limits.maxPending) return true;
        this.pending.purgeStale();
        if (this.pending.calculatedSize < this.limits.maxPending) return true;
        const oldest = this.pending.rkeys().next().value;
        if (oldest === undefined || oldest === browser) return true;
        const newest = Math.max(...(this.pending.peek(oldest) ?? []).map((p) => p.createdAt));
        return this.now() - newest >= this.limits.protectedPendingMs;
    }

    /** Whether a login finishing now could keep its result without evicting one younger than protectedResultMs. */
    hasRoomForResult(): boolean {
        if (this.results.size < this.limits.maxResults) return true;
        this.results.purgeStale();
        const oldest = this.results.rkeys().next().value;
        if (this.results.size < this.limits.maxResults || oldest === undefined) return true;
        return this.now() - this.results.peek(oldest)!.createdAt >= this.limits.protectedResultMs;
    }

    /**
     * Adds a login; false when the store is full of young logins, or of young results that the login's own
     * result would push out (the caller answers "busy" before the person goes to Salesforce).
     */
    addPending(browser: string, login: Omit<PendingLogin, 'createdAt'>): boolean {
        if (!this.hasRoomForResult()) return false;
        const now = this.now();
        const live = (this.pending.get(browser) ?? []).filter((p) => now - p.createdAt < this.limits.pendingTtlMs);
        const kept = live.slice(-(this.limits.maxPendingPerBrowser - 1));
        if (kept.length === live.length && !this.roomForOneMore(browser)) return false;
        this.pending.set(browser, [...kept, { ...login, createdAt: now }]);
        return true;
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

    /** The store's clock, for the times it keeps. */
    time(): number {
        return this.now();
    }

    /** Keeps a result, and returns the object that holds its work in flight. */
    addResult(result: LoginResult): ResultWork {
        const work = new ResultWork();
        this.work.set(result, work);
        this.results.set(result.id, result);
        this.countResult(result.browser, 1);
        return work;
    }

    /** The work in flight of a result this store holds (or held). */
    workOf(result: LoginResult): ResultWork {
        let work = this.work.get(result);
        if (!work) {
            work = new ResultWork();
            this.work.set(result, work);
        }
        return work;
    }

    /** Holds a matched login's code under a one-time id until its tab answers. */
    awaitTab(id: string, entry: AwaitingTab): void {
        this.awaitingTab.set(id, entry);
    }

    /** Single use, and only for the browser whose callback it was. */
    takeAwaitingTab(browser: string | undefined, id: string): AwaitingTab | undefined {
        const entry = this.awaitingTab.get(id);
        if (!entry || !browser || !constantTimeEqual(entry.browser, browser)) return undefined;
        this.awaitingTab.delete(id);
        return entry;
    }

    /** This browser's results still in memory, newest first. */
    resultsOf(browser: string | undefined): LoginResult[] {
        if (!browser || !this.resultsPerBrowser.has(browser)) return [];
        const mine = [...this.results.values()].filter((r) => constantTimeEqual(r.browser, browser));
        return mine.sort((a, b) => b.createdAt - a.createdAt);
    }

    /** A result is only visible to the browser whose login produced it. */
    getResult(browser: string | undefined, id: string): LoginResult | undefined {
        const result = this.results.get(id);
        if (!result || !browser || !constantTimeEqual(result.browser, browser)) return undefined;
        return result;
    }
}
