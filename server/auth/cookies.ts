/**
 * The session cookie: its name, its attributes and reading it from a request.
 */
import type { CookieOptions, Request } from 'express'

export const SESSION_COOKIE = 'ys_session'

/** Reads one cookie from the Cookie header (no dependency needed for one value). */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie
  if (!header) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    if (part.slice(0, eq).trim() !== name) continue
    const raw = part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1')
    try {
      return decodeURIComponent(raw)
    } catch {
      return undefined
    }
  }
  return undefined
}

/**
 * HttpOnly (scripts cannot read it), SameSite=Lax (not sent on cross-site POSTs), Path=/, and Secure
 * when the request came over HTTPS (req.secure honours `trust proxy`).
 */
export function sessionCookieOptions(req: Request, maxAgeMs?: number): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', path: '/', secure: req.secure, ...(maxAgeMs === undefined ? {} : { maxAge: maxAgeMs }) }
}
