// GET /jwt/certificate.crt: a self-signed certificate of the JWT Bearer key, to upload to the app ("Use digital
// signatures" on a Connected App, the JWT Bearer Flow's certificate on an External Client App). Only the public
// half of the key is in it.
import type { RequestHandler } from 'express';
import type { Deps } from './deps.js';

export function certificateDownload({ jwtKey }: Deps): RequestHandler {
    return async (_req, res) => {
        const pem = await (await jwtKey()).certificate();
        res.attachment('sf-oauth-auth-jwt.crt').type('application/x-pem-file').send(pem);
    };
}
