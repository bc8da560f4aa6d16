export { applyUpdate, applyUpdates, type Root } from './patch.js';
export { ApplyError, type ApplyErrorCode } from './errors.js';
