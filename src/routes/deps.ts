// What the route handlers share, passed in by the route table; and the page's context for its calls.
import type { Response } from 'express';
import type { Config } from '../config.js';
import type { JwtKeySource } from '../oauth/jwt-key.js';
import type { Preflight } from '../preflight.js';
import type { SalesforceClient } from '../salesforce/client.js';
import type { Store } from '../store.js';
import type { Timing } from '../timing.js';
import type { CallContext, LoginResult } from '../types.js';

export interface Deps {
    config: Config;
    store: Store;
    salesforce: SalesforceClient;
    preflight: Preflight;
    /** The key a JWT Bearer login signs with. */
    jwtKey: JwtKeySource;
}

/** The timing of the request being answered, set by the app's first middleware. */
export function timingOf(res: Response): Timing | undefined {
    return res.locals.timing as Timing | undefined;
}

/** The page's deadline and Server-Timing mark, for each of its calls to Salesforce. */
export function pageCall(res: Response): CallContext {
    return timingOf(res)?.call() ?? {};
}

/** A page's calls made for a result: each exchange also goes into the result's transcript. */
export function resultCall(res: Response, result: LoginResult): CallContext {
    return { ...pageCall(res), record: result.transcript.add };
}
