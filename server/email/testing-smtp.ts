/**
 * For tests: a real SMTP server (smtp-server) on 127.0.0.1:0 that records what it accepts and can
 * answer 451 or 550 on demand, and a small MIME reader for what it received.
 */
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'

export interface ReceivedMessage {
  raw: string
  recipients: string[]
  headers: Map<string, string>
  messageId: string
  subject: string
  text: string | null
  html: string | null
  /** Content types of every leaf part. */
  parts: string[]
}

export interface SmtpSink {
  url: string
  port: number
  messages: ReceivedMessage[]
  /** The reply for the next DATA commands, consumed in order; empty means 250. */
  replies: Array<451 | 550>
  /** Errors of client connections (resets by killed senders), in order. */
  connectionErrors: Error[]
  /** Called once a message is accepted (stored), before the 250 is sent. */
  onAccepted?: (m: ReceivedMessage) => Promise<void> | void
  close(): Promise<void>
}

function decodeWords(s: string): string {
  return s.replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=\s*/g, (_m, _cs, enc: string, data: string) =>
    enc.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : Buffer.from(decodeQp(data.replace(/_/g, ' ')), 'latin1').toString('utf8'),
  )
}

function decodeQp(s: string): string {
  return s.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)))
}

function parseHeaders(block: string): Map<string, string> {
  const map = new Map<string, string>()
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':')
    if (i > 0) map.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim())
  }
  return map
}

function leaves(raw: string, out: Array<{ type: string; body: string }>): void {
  const split = raw.search(/\r?\n\r?\n/)
  const headers = parseHeaders(split < 0 ? raw : raw.slice(0, split))
  const body = split < 0 ? '' : raw.slice(split).replace(/^\r?\n\r?\n/, '')
  const type = headers.get('content-type') ?? 'text/plain'
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1]
  if (/^multipart\//i.test(type) && boundary) {
    const pieces = body.split(`--${boundary}`)
    for (const p of pieces.slice(1)) {
      if (p.startsWith('--')) break
      leaves(p.replace(/^\r?\n/, ''), out)
    }
    return
  }
  const enc = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase()
  let decoded: string
  if (enc === 'base64') decoded = /^text\//i.test(type) ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8') : body
  else if (enc === 'quoted-printable') decoded = Buffer.from(decodeQp(body), 'latin1').toString('utf8')
  else decoded = body
  out.push({ type: type.split(';')[0].trim().toLowerCase(), body: decoded })
}

/** Reads a raw RFC 5322 message. */
export function parseMessage(raw: string, recipients: string[] = []): ReceivedMessage {
  const split = raw.search(/\r?\n\r?\n/)
  const headers = parseHeaders(raw.slice(0, split))
  const parts: Array<{ type: string; body: string }> = []
  leaves(raw, parts)
  return {
    raw,
    recipients,
    headers,
    messageId: headers.get('message-id') ?? '',
    subject: decodeWords(headers.get('subject') ?? ''),
    text: parts.find((p) => p.type === 'text/plain')?.body.replace(/\r\n/g, '\n') ?? null,
    html: parts.find((p) => p.type === 'text/html')?.body ?? null,
    parts: parts.map((p) => p.type),
  }
}

/**
 * Starts the server.
 * @example const smtp = await startSmtpSink(); process.env.SMTP_URL = smtp.url
 */
export async function startSmtpSink(): Promise<SmtpSink> {
  const sink: SmtpSink = { url: '', port: 0, messages: [], replies: [], connectionErrors: [], close: async () => {} }
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', async () => {
        const reply = sink.replies.shift()
        if (reply === 451) return callback(Object.assign(new Error('451 4.3.0 try again later'), { responseCode: 451 }))
        if (reply === 550) return callback(Object.assign(new Error('550 5.1.1 mailbox unavailable'), { responseCode: 550 }))
        const m = parseMessage(Buffer.concat(chunks).toString('utf8'), session.envelope.rcptTo.map((r) => r.address))
        sink.messages.push(m)
        try {
          await sink.onAccepted?.(m)
        } finally {
          callback()
        }
      })
    },
  })
  // A client killed mid-conversation (the fault tests' SIGKILL) resets its socket; smtp-server reports
  // that as an 'error' event, which would be an uncaught exception without a listener. Kept for tests.
  server.on('error', (e: Error) => sink.connectionErrors.push(e))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  sink.port = (server.server.address() as AddressInfo).port
  sink.url = `smtp://127.0.0.1:${sink.port}`
  sink.close = () => new Promise<void>((r) => server.close(() => r()))
  return sink
}
