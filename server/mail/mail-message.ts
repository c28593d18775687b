/** An email the portal sends; the worker's email job delivers it. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** Optional HTML alternative; built only from escaped or sanitised text. */
  html?: string;
  /** What the message is about, for logs and tests, e.g. `password-reset`. */
  kind: string;
}
