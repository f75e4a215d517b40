// The baseline for `npm run bench`: a bare Express 5 route rendering the same index page with EJS,
// without the app's host check, security headers, request log or cookies.
import { fileURLToPath } from 'node:url';
import express from 'express';

const app = express();
app.set('view engine', 'ejs');
app.set('views', fileURLToPath(new URL('../views', import.meta.url)));
app.enable('view cache');
app.get('/', (_req, res) => {
    res.render('index', {
        simulated: false,
        callbackUrl: 'http://localhost:7777/callback',
        publicClient: true,
        defaults: { scope: '', prompt: '' },
    });
});
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    const address = server.address();
    console.log(`listening ${typeof address === 'object' && address ? address.port : ''}`);
});
