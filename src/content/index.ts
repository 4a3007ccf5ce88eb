export { ContentStore, type IngestResult } from './store.js';
