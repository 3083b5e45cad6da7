/**
 * Development only: runs a child process or worker thread from TypeScript
 * source. The rip pool (`node --import <this file> rip-child.ts`) and the
 * render pool (render-thread-dev.mjs registers it in the thread) need it when
 * they are themselves loaded from source (under vitest): Node 20 cannot strip
 * types and no tsx-like loader is installed, so each .ts file is transpiled on
 * its own (no type check) by the TypeScript compiler from devDependencies.
 * Compiled code in dist/ runs the compiled .js files and never loads this file;
 * it lives under test/ because only test runs load src/ from source.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';

// Loaded by --import on the main thread: install this same file as the loader
// hooks, which Node loads again on its loader thread (where isMainThread is false).
if (isMainThread) register(import.meta.url);

export async function resolve(specifier, context, next) {
  // NodeNext sources import './x.js' for the file that is './x.ts' on disk.
  if (context.parentURL?.endsWith('.ts') && /^\.\.?\//.test(specifier) && specifier.endsWith('.js')) {
    const source = new URL(`${specifier.slice(0, -3)}.ts`, context.parentURL);
    if (existsSync(source)) return { url: source.href, shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  const { default: ts } = await import('typescript');
  const output = ts.transpileModule(await readFile(new URL(url), 'utf8'), {
    fileName: fileURLToPath(url),
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: false },
  });
  return { format: 'module', source: output.outputText, shortCircuit: true };
}
