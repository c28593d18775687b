import type { ImportPhase } from '../../../common/api/imports.js';

/** The phases of an import in the order it passes through them. */
export const IMPORT_PHASE_ORDER: readonly ImportPhase[] = ['uploading', 'queued', 'analysing', 'review', 'loading', 'indexing', 'done'];
