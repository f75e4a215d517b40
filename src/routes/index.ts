// The route table. Each handler lives in its own file; what they share comes in through Deps.
import express, { type Router } from 'express';
import { REQUEST } from '../messages.js';
import { callback, tabClaim } from './callback.js';
import type { Deps } from './deps.js';
import { certificateDownload } from './jwt.js';
import { explainPasted, home, login } from './login.js';
import { loginForm, methodNotAllowed, pasteForm, sameOriginOnly } from './middleware.js';
import { resultRoutes } from './result.js';

export function routes(deps: Deps): Router {
    const router = express.Router();
    // The origin is checked before the body is read.
    const sameOrigin = sameOriginOnly(deps.config);

    router.get('/', home(deps));
    router.post('/login', sameOrigin, loginForm, login(deps));
    router.all('/login', methodNotAllowed(REQUEST.loginMethod));
    router.post('/explain', sameOrigin, pasteForm, explainPasted());
    router.get('/jwt/certificate.crt', certificateDownload(deps));
    router.get('/callback', callback(deps));
    router.all('/callback', methodNotAllowed(REQUEST.callbackMethod));
    router.post('/callback/tab', sameOrigin, loginForm, tabClaim(deps));
    router.use('/result', resultRoutes(deps, sameOrigin));
    return router;
}
