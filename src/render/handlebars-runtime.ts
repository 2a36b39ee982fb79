import type Handlebars from 'handlebars';
import runtime from 'handlebars/runtime.js';

/**
 * Handlebars without its compiler: all that precompiled templates need, and half the load
 * time of the full package (which is imported only when a template must be compiled).
 * Typed as the full package, whose runtime part it is.
 */
export const HandlebarsRuntime = runtime as unknown as typeof Handlebars;
