import type { ImportPhase } from '../../../common/api/imports.js';

/** The phases of an import in the order a job passes through them. */
export const IMPORT_PHASE_ORDER: readonly ImportPhase[] = ['queued', 'analysing', 'loading', 'merging', 'done'];
