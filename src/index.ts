/**
 * tsrun as a library: the pure parsers people ask for. The runtime itself is
 * driven through the `tsrun` command.
 */
export { parseReference, normalizeReference, familiarName, familiarString } from './oci/reference.js';
export type { NamedReference } from './oci/reference.js';
export { parseDockerfile, dumpAst, formatDockerfileError } from './build/parser.js';
export { parseInstructions } from './build/instructions.js';
export { expandWord, expandWords } from './build/expand.js';
export { createIgnoreMatcher, readIgnoreFile } from './build/dockerignore.js';
