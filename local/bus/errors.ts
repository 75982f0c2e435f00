/** Base class of every error raised by the local event bus. */
export class EventBusError extends Error {
  override readonly name: string = 'EventBusError';
}

/**
 * An event pattern that EventBridge would reject (`PutRule` → `InvalidEventPatternException`).
 * `path` names the offending place in the pattern, e.g. `detail.count[0].numeric`.
 */
export class InvalidEventPatternError extends EventBusError {
  override readonly name: string = 'InvalidEventPatternError';
  constructor(
    readonly path: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`Invalid event pattern at ${path === '' ? '(root)' : path}: ${reason}`, options);
  }
}

/** A whole `PutEvents` call that AWS would refuse (`ValidationException`): no entry is accepted. */
export class PutEventsValidationError extends EventBusError {
  override readonly name: string = 'PutEventsValidationError';
}

/** A rule definition that AWS would refuse (bad name, bad target). */
export class InvalidRuleError extends EventBusError {
  override readonly name: string = 'InvalidRuleError';
  constructor(
    readonly ruleName: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`Invalid rule ${JSON.stringify(ruleName)}: ${reason}`, options);
  }
}

/** The bus was used after `close()`. */
export class EventBusClosedError extends EventBusError {
  override readonly name: string = 'EventBusClosedError';
}

/** A webhook target answered with a non-2xx status, or could not be reached. */
export class WebhookDeliveryError extends EventBusError {
  override readonly name: string = 'WebhookDeliveryError';
  constructor(
    readonly url: string,
    readonly status: number | undefined,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
