// Where a request's time goes: the app's own work, and the wall-clock time spent waiting for Salesforce.
// Sent as a Server-Timing header (browser devtools show it) and written in the request log.
import { AsyncLocalStorage } from 'node:async_hooks';

export class Timing {
    readonly started = process.hrtime.bigint();
    /** The page's budget for all its calls to Salesforce together (HTTP_TIMEOUT_MS). */
    private readonly budgetMs: number;

    constructor(budgetMs = Number.POSITIVE_INFINITY) {
        this.budgetMs = budgetMs;
    }

    /** What is left of the page's budget, so that a second call after a slow first one gets only the rest. */
    remainingMs(): number {
        return this.budgetMs - Number(process.hrtime.bigint() - this.started) / 1e6;
    }

    private waitingNs = 0n;
    private inFlight = 0;
    private since = 0n;

    /** Marks one call to Salesforce as started; returns the function that marks it finished. */
    upstream(): () => void {
        // Calls made in parallel (identity and API versions) count once: the union of their intervals.
        if (this.inFlight++ === 0) this.since = process.hrtime.bigint();
        let done = false;
        return () => {
            if (done) return;
            done = true;
            if (--this.inFlight === 0) this.waitingNs += process.hrtime.bigint() - this.since;
        };
    }

    /** Milliseconds so far: the whole request, the part spent waiting for Salesforce, and the app's own. */
    read(): { totalMs: number; salesforceMs: number; appMs: number } {
        const totalMs = Number(process.hrtime.bigint() - this.started) / 1e6;
        const salesforceMs = Number(this.waitingNs) / 1e6;
        return { totalMs, salesforceMs, appMs: totalMs - salesforceMs };
    }
}

/** The timing of the request being handled, wherever the code runs (async continuations included). */
export const requestTiming = new AsyncLocalStorage<Timing>();
