/**
 * Sending: nodemailer to SMTP_URL, or, without it, .eml files in the outbox folder (with a warning,
 * once). SMTP replies are classified: 4xx and connection trouble are temporary, 5xx permanent.
 */
import fs from 'node:fs'
import path from 'node:path'
import nodemailer, { type SendMailOptions } from 'nodemailer'
import type { Config } from '../config.js'

export interface MailTransport {
  /** Resolves with the server's reply (or the file written); rejects with the SMTP error. */
  send(message: SendMailOptions): Promise<string>
  close(): void
}

export type SendFailure = { kind: 'temporary' | 'permanent'; message: string }

/**
 * Classifies a send error: SMTP 5xx → permanent (not retried); 4xx, timeouts and refused connections
 * → temporary (retried with backoff).
 * @example classifySendError({ responseCode: 550, response: '550 no such user' }).kind // 'permanent'
 */
export function classifySendError(e: unknown): SendFailure {
  const err = e as { responseCode?: number; response?: string; message?: string; code?: string }
  const text = (err.response ?? err.message ?? String(e)).replace(/[\r\n]+/g, ' ').slice(0, 500)
  if (typeof err.responseCode === 'number' && err.responseCode >= 500) return { kind: 'permanent', message: text }
  if (typeof err.responseCode === 'number' && err.responseCode >= 400) return { kind: 'temporary', message: text }
  return { kind: 'temporary', message: `${err.code ? err.code + ': ' : ''}${text}` }
}

let warnedNoSmtp = false

/**
 * The configured transport.
 * @example const t = createMailTransport(config, console.warn); await t.send({ from, to, subject, text })
 */
export function createMailTransport(config: Pick<Config, 'smtpUrl' | 'outboxDir'>, warn: (m: string) => void): MailTransport {
  if (config.smtpUrl) {
    const transporter = nodemailer.createTransport(config.smtpUrl, { connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 60_000 } as never)
    return {
      async send(message) {
        const info = await transporter.sendMail(message)
        return String(info.response ?? 'accepted')
      },
      close() {
        transporter.close()
      },
    }
  }
  if (!warnedNoSmtp) {
    warnedNoSmtp = true
    warn(`warning: SMTP_URL is not set, so digests are written as .eml files to ${config.outboxDir} instead of being sent; set SMTP_URL (e.g. smtp://127.0.0.1:2525) to send them`)
  }
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' })
  return {
    async send(message) {
      const info = await transporter.sendMail(message)
      fs.mkdirSync(config.outboxDir, { recursive: true })
      const id = String(message.messageId ?? Date.now()).replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')
      const file = path.join(config.outboxDir, `${id}.eml`)
      const tmp = `${file}.${process.pid}.tmp`
      fs.writeFileSync(tmp, info.message as Buffer)
      fs.renameSync(tmp, file)
      return `written to ${file}`
    },
    close() {},
  }
}
