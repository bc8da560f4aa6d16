export { live, type LiveOptions } from './live.js';
