export const ProcessorsMessages = {
  unknownTask: (task: string, valid: string[]) =>
    `Unknown maintenance task_type "${task}"; valid task types: ${valid.join(', ')}`,
  invalidParameter: (task: string, name: string, rule: string) =>
    `Maintenance task ${task}: parameter ${name} ${rule}`,
  notPdf: (contentType: string) => `Expected a PDF but the content is ${contentType}`,
  /** `message` is the one error every URL had, when they all had the same. */
  batchFailed: (total: number, message: string | null) =>
    message === null
      ? `Every URL of the batch failed (${total} of ${total}); each URL's error is in the result data`
      : `Every URL of the batch failed (${total} of ${total}): ${message}`,
} as const;
