// A login result's work in flight, in one object beside the store: what is still being learned about it
// (identity, the id_token, the API version), the check of its access token (introspection), and its actions,
// run one after another.
import type { CheckedStatus } from './types.js';

export type ActionOutcome = string | void;

export class ResultWork {
    private learning?: Promise<void>;
    private statusCheck?: Promise<CheckedStatus>;
    private queue: Promise<unknown> = Promise.resolve();
    private refreshing?: Promise<ActionOutcome>;

    /** Records what the result's pages wait for before they show it, so no page shows it half-learned. */
    learn(work: Promise<void>): void {
        const mine: Promise<void> = work.finally(() => {
            if (this.learning === mine) this.learning = undefined;
        });
        this.learning = mine;
    }

    /** Settles once everything being learned is known; at once when nothing is. */
    learned(): Promise<void> {
        return this.learning ?? Promise.resolve();
    }

    /** Whether anything is still being learned. */
    get isLearning(): boolean {
        return this.learning !== undefined;
    }

    /** The check of the current (or just revoked) access token; a newer one replaces an older one. */
    checkStatus(check: Promise<CheckedStatus>): void {
        this.statusCheck = check;
    }

    status(): Promise<CheckedStatus> | undefined {
        return this.statusCheck;
    }

    /**
     * The actions on one result run one after another: a refresh still waiting for Salesforce when Revoke is
     * pressed finishes first, so the revoke then forgets what it wrote and revoked tokens never come back.
     */
    run(action: () => Promise<ActionOutcome>): Promise<ActionOutcome> {
        const mine = this.queue.catch(() => undefined).then(action);
        this.queue = mine;
        return mine;
    }

    /**
     * One refresh at a time: a double click, a second tab or a retry joins the refresh in flight and shows its
     * outcome, so Salesforce gets one token request (a second one with the same refresh token would be refused
     * as "already being processed", and with rotation would spend the token twice).
     */
    refresh(action: () => Promise<ActionOutcome>): Promise<ActionOutcome> {
        if (this.refreshing) return this.refreshing;
        const mine = this.run(action).finally(() => {
            if (this.refreshing === mine) this.refreshing = undefined;
        });
        this.refreshing = mine;
        return mine;
    }
}
