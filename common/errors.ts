/**
 * The closed set of error codes shared by REST responses (problem+json `code`) and Socket.IO
 * acknowledgements. A client decides what to do from the code; the message is for people.
 */
export const ERROR_CODES = {
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** One invalid value in a request: where it is (`body.title`, `query.bbox`) and what is wrong. */
export interface FieldIssue {
  field: string;
  message: string;
}

/** An RFC 9457 problem document as the API sends it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  instance?: string;
  errors?: FieldIssue[];
}

/** The failure half of every Socket.IO acknowledgement. */
export interface AckError {
  ok: false;
  error: { code: ErrorCode; message: string };
}

/** A Socket.IO acknowledgement: the result on success, a typed error otherwise. */
export type Ack<T = object> = ({ ok: true } & T) | AckError;
