/**
 * Development only: the render thread from its TypeScript source. Under
 * vitest the render pool is itself loaded from source, and a worker thread
 * does not inherit the test runner's loaders, so this installs
 * dev-ts-hooks.mjs (TypeScript's own transpiler) in the thread and loads
 * src/adapters/media/render-thread.ts through it. Compiled code in dist/
 * runs render-thread.js directly and never loads this file.
 */
import { register } from 'node:module';

register(new URL('./dev-ts-hooks.mjs', import.meta.url));
const thread = await import(new URL('../../src/adapters/media/render-thread.ts', import.meta.url).href);

export default thread.default;
