// The route table. Each handler lives in its own file; what they share comes in through Deps.
import express, { type Router } from 'express';
import type { Config } from '../config.js';
import { REQUEST } from '../messages.js';
import type { SalesforceClient } from '../salesforce/client.js';
import type { Store } from '../store.js';
import type { Preflight } from '../preflight.js';
import { callback, tabClaim } from './callback.js';
import { explainPasted, home, login } from './login.js';
import { loginForm, methodNotAllowed, sameOriginOnly } from './middleware.js';
import { resultRoutes } from './result.js';

export interface Deps {
    config: Config;
    store: Store;
    salesforce: SalesforceClient;
    preflight: Preflight;
}

export function routes(deps: Deps): Router {
    const router = express.Router();
    // The origin is checked before the body is read.
    const sameOrigin = sameOriginOnly(deps.config);

    router.get('/', home(deps));
    router.post('/login', sameOrigin, loginForm, login(deps));
    router.all('/login', methodNotAllowed(REQUEST.loginMethod));
    router.post('/explain', sameOrigin, loginForm, explainPasted());
    router.get('/callback', callback(deps));
    router.all('/callback', methodNotAllowed(REQUEST.callbackMethod));
    router.post('/callback/tab', sameOrigin, loginForm, tabClaim(deps));
    router.use('/result', resultRoutes(deps, sameOrigin));
    return router;
}
