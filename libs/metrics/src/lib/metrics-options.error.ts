/** A MetricsModule option is out of range; thrown while the application boots. */
export class MetricsOptionsError extends Error {
  override readonly name = 'MetricsOptionsError';
}
