/**
 * Money helpers. Amounts are stored as integers in the currency's minor unit (cents for USD, yen for
 * JPY, fils for BHD), so that sums are exact; the API speaks decimals.
 */

const exponents = new Map<string, number>()

/**
 * Whether `code` is an ISO 4217 currency code that the runtime knows.
 * @example isCurrencyCode('EUR') // true
 */
export function isCurrencyCode(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false
  try {
    const resolved = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions()
    return resolved.currency === code && Intl.supportedValuesOf('currency').includes(code)
  } catch {
    return false
  }
}

/**
 * Number of decimal places in the currency's minor unit, from ICU's currency data.
 * @example currencyExponent('USD') // 2; currencyExponent('JPY') // 0
 */
export function currencyExponent(code: string): number {
  let e = exponents.get(code)
  if (e === undefined) {
    e = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits ?? 2
    exponents.set(code, e)
  }
  return e
}

/**
 * Converts a decimal amount to integer minor units, or null when the amount has more decimals than the
 * currency allows (float noise below 1e-6 of a minor unit is tolerated: 0.1 + 0.2 is 30 cents).
 * @example toMinorUnits(12.34, 'USD') // 1234; toMinorUnits(12.345, 'USD') // null
 */
export function toMinorUnits(amount: number, currency: string): number | null {
  const scaled = amount * 10 ** currencyExponent(currency)
  const rounded = Math.round(scaled)
  if (Math.abs(scaled - rounded) > 1e-6 * Math.max(1, Math.abs(scaled) / 1e9)) return null
  return rounded === 0 ? 0 : rounded
}

/**
 * Converts integer minor units back to a decimal amount.
 * @example fromMinorUnits(1234, 'USD') // 12.34
 */
export function fromMinorUnits(minor: number, currency: string): number {
  const e = currencyExponent(currency)
  return e === 0 ? minor : Number((minor / 10 ** e).toFixed(e))
}
