/**
 * `@imprint/core/browser`: what a browser page adds to the core — heads saved in IndexedDB, in the
 * same format and with the same checksum as the files `saveImprinter` writes in Node.
 */
export { deleteSavedHead, listSavedHeads, loadHeadFromBrowser, saveHeadInBrowser, type HeadStoreOptions, type IdbFactoryLike, type SavedHeadInfo } from './head-store.js';
