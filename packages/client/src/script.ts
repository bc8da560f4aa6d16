/**
 * The entry of `dist/statetemplate.min.js`, for a plain `<script>`: the API
 * as `window.StateTemplate`. The package's own modules touch no globals.
 */
import { ApplyError, applyUpdate, applyUpdates, connect } from './index.js';

(globalThis as { StateTemplate?: object }).StateTemplate = { connect, applyUpdate, applyUpdates, ApplyError };
