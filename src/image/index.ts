export type { ImageDeps } from './image-service.js';
export { ImageStore, type Image } from './store.js';
export { ensureUnpacked, lowerDirs } from './unpack.js';
export { importRootfs } from './import.js';
export { loadArchive, type LoadedImage } from './load.js';
export { saveImages } from './save.js';
export { removeImage, collectGarbage, type RemoveResult } from './remove.js';
export { writeImage } from './create.js';
export { displayName, familiarName, storedName } from './names.js';
