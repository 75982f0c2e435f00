/**
 * The DocumentClient's marshaller recognises a map by `value.constructor.name === "Object"`, so a plain object with
 * an own key `constructor` (user input such as a SKU) is refused as an "unsupported type" unless converted; a `Map`
 * is marshalled from its entries instead, into the same DynamoDB Map (the stored shape does not change).
 * https://github.com/aws/aws-sdk-js-v3/blob/main/packages/util-dynamodb/src/convertToAttr.ts
 */

/** `value` with every plain object that has an own `constructor` key turned into a Map; the same reference when none. */
export function marshallableValue(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((element, index) => {
      const converted = marshallableValue(element);
      if (converted !== element) {
        copy ??= [...value];
        copy[index] = converted;
      }
    });
    return copy ?? value;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (Object.hasOwn(record, 'constructor')) {
    return new Map(keys.map((key) => [key, marshallableValue(record[key])]));
  }
  let copy: Record<string, unknown> | undefined;
  for (const key of keys) {
    const element = record[key];
    const next = marshallableValue(element);
    if (next !== element) {
      copy ??= { ...record };
      copy[key] = next;
    }
  }
  return copy ?? value;
}
