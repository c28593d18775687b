import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../config/env.js';

/** Opens the SMTP transport of SMTP_URL, or returns null when email is not configured. */
export function createMailTransport(config: Pick<Config, 'SMTP_URL'>): Transporter | null {
  if (!config.SMTP_URL) return null;
  return nodemailer.createTransport(config.SMTP_URL);
}
