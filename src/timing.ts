// Where a request's time goes: the app's own work, and the wall-clock time spent waiting for Salesforce.
// Sent as a Server-Timing header (browser devtools show it) and written in the request log. A page's calls
// to Salesforce share one deadline, made here and handed to the client with each call.
import type { CallContext } from './types.js';

/** Makes a page's deadline: an AbortSignal that aborts after `ms`. Tests pass one whose moment they choose. */
export type Deadline = (ms: number) => AbortSignal;

export class Timing {
    readonly started = process.hrtime.bigint();
    private readonly budgetMs: number;
    private readonly deadline: Deadline;
    private signal?: AbortSignal;
    private waitingNs = 0n;
    private inFlight = 0;
    private since = 0n;

    /** `budgetMs` is the page's budget for all its calls to Salesforce together (HTTP_TIMEOUT_MS). */
    constructor(budgetMs: number, deadline: Deadline = AbortSignal.timeout) {
        this.budgetMs = budgetMs;
        this.deadline = deadline;
    }

    /**
     * What the page's calls take: one deadline for all of them (made on the first call, so a second call after
     * a slow first one gets only the rest), and the mark of the time they wait.
     */
    call(): CallContext {
        this.signal ??= this.deadline(this.budgetMs);
        return { signal: this.signal, waiting: () => this.upstream() };
    }

    /** Marks one wait for Salesforce as started; returns the function that marks it finished. */
    upstream(): () => void {
        // Calls made in parallel (identity and the id_token's keys) count once: the union of their intervals.
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
