/**
 * Exact decimal rounding for the songplay match rule ("rounded to 5 decimal places"): the number's
 * shortest decimal form rounded half away from zero, as SQL numeric rounding does, rather than
 * binary floating-point arithmetic (249.44281 * 1e5 is not an integer in binary).
 */

/** The value rounded to 5 decimals, as a canonical string of 1e-5 units (e.g. "24944281"). */
export function round5Key(value: number): string {
  const text = Math.abs(value).toExponential();
  const [mantissa, exponentText] = text.split('e');
  const digits = mantissa.replace('.', '');
  // value = 0.digits... scaled: digits * 10^(exponent - (digits.length - 1))
  const scale = Number(exponentText) - (digits.length - 1) + 5;
  let units: bigint;
  if (scale >= 0) {
    units = BigInt(digits) * 10n ** BigInt(scale);
  } else {
    const divisor = 10n ** BigInt(-scale);
    const whole = BigInt(digits) / divisor;
    const remainder = BigInt(digits) % divisor;
    units = remainder * 2n >= divisor ? whole + 1n : whole;
  }
  if (units === 0n) return '0';
  return (value < 0 ? '-' : '') + units.toString();
}
