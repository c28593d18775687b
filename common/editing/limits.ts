/**
 * Limits of live editing, shared so the client can check a request before it sends it. The
 * server enforces every one of them and rejects with a typed error when one is exceeded.
 */
export const EDIT_LIMITS = {
  /** Operations in one `dataset:edit`; a paste of 100 rows by 20 columns fits. */
  maxOps: 2000,
  /** Size of one `dataset:edit` as JSON, in bytes. Socket.IO closes connections above 1 MB. */
  maxBytes: 256 * 1024,
  /** Changes `dataset:sync` replays; a client further behind refetches the rows it shows. */
  maxReplayChanges: 500,
  /** Operations `dataset:sync` replays in all, so one acknowledgement stays a few megabytes at most. */
  maxReplayOps: 20_000,
  /** Ids in one row lookup, enough for the rows a grid shows with its overscan. */
  maxLookupIds: 1000,
  /** Depth of each user's undo and redo stacks per dataset. */
  maxUndoDepth: 100,
  /** Cells a retype may convert; retyping a larger filled column is an import's job. */
  maxRetypeConversions: 200_000,
} as const;
