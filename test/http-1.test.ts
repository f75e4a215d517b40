// HTTP tests, first half. Each test process pays about a second to load TypeScript, the app and the
// simulator, so the HTTP suites run in two processes of about equal work, side by side, not one each.
import './http/load.js';
import './http/login-flow.js';
import './http/preflight.js';
import './http/server.js';
import './http/jsforce.js';
import './http/server-flows.js';
import './http/simulator-grants.js';
