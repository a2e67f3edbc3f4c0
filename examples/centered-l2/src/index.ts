export { centeredL2, fitCenter, type CenteredL2Options } from './centered-l2.js';
export { centeredL2Entry, centeredL2EntryWith } from './entries.js';
