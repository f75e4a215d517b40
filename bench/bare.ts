// The baseline for `npm run bench`: a bare Express 5 route rendering the same index page with EJS,
// without the app's host check, security headers, request log or cookies.
import { fileURLToPath } from 'node:url';
import express from 'express';
import { renderView } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { indexView } from '../src/view-model.js';

const app = express();
// EJS as the app configures it: the comparison is about what the app adds around the same rendering.
app.engine('ejs', renderView);
app.set('view engine', 'ejs');
app.set('views', fileURLToPath(new URL('../views', import.meta.url)));
app.enable('view cache');
// The same page as the app's GET /: the same view model, built for each request as the app builds it.
const config = loadConfig({ CLIENT_ID: 'bench' });
app.get('/', (_req, res) => {
    res.render('index', { simulated: false, v: indexView(config) });
});
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    const address = server.address();
    console.log(`listening ${typeof address === 'object' && address ? address.port : ''}`);
});
