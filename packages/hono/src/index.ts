export { live, type LiveOptions, type NodeHono } from './live.js';
