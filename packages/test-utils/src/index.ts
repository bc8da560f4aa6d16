export { strict, requireResource, repoRoot, sharedDir } from './resources.js';
