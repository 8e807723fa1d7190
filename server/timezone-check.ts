/** Whether the runtime knows `zone` as an IANA time zone. */
export function isValidTimeZoneName(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone })
    return true
  } catch {
    return false
  }
}
