import { createTransport } from 'nodemailer';
import type { Logger } from 'pino';
import type { Config } from '../config';

/** One e-mail as the outbox worker hands it over; `messageId` comes from the outbox row. */
export interface MailMessage {
  /** Angle-bracketed Message-ID, fixed at enqueue time so every retry carries the same one. */
  messageId: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** Sends mail; `send` rejects when the message was not accepted, so the caller can retry. */
export interface Mailer {
  send(mail: MailMessage): Promise<void>;
  close(): Promise<void>;
}

// An unreachable or stalled server must fail the attempt quickly (the outbox retries later)
// rather than hold the worker's row lock for nodemailer's default minutes.
const SMTP_TIMEOUT_MS = 10_000;

/** Header values come from user data: CR/LF in them would start a new header (header injection). */
export const oneLine = (value: string): string => value.replace(/[\r\n]+/g, ' ');

/**
 * Sends through SMTP when `config.smtpUrl` is set; otherwise writes each mail to the log at info,
 * so a development machine without a mail server still shows activation links.
 */
export function createMailer(config: Pick<Config, 'smtpUrl' | 'mailFrom'>, logger: Logger): Mailer {
  return config.smtpUrl ? smtpMailer(config.smtpUrl, config.mailFrom) : logMailer(logger);
}

function smtpMailer(url: string, from: string): Mailer {
  const transport = createTransport({
    url,
    // One connection per message: nothing stale to recover after the server restarts.
    pool: false,
    connectionTimeout: SMTP_TIMEOUT_MS,
    greetingTimeout: SMTP_TIMEOUT_MS,
    socketTimeout: SMTP_TIMEOUT_MS,
    // Bodies never name files or URLs to attach; refuse them outright in case one ever does.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return {
    async send(mail) {
      await transport.sendMail({
        from,
        to: oneLine(mail.to),
        subject: oneLine(mail.subject),
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
      });
    },
    async close() {
      transport.close();
    },
  };
}

function logMailer(logger: Logger): Mailer {
  return {
    async send(mail) {
      // pino writes JSON, which escapes the body's line breaks: one log line per mail.
      logger.info({
        mail: { to: oneLine(mail.to), subject: oneLine(mail.subject), messageId: mail.messageId, text: mail.text },
      }, 'mail written to the log (SMTP_URL unset)');
    },
    async close() {},
  };
}
