export const ProcessorsMessages = {
  unknownTask: (task: string, valid: string[]) => `Unknown maintenance task_type "${task}"; valid task types: ${valid.join(', ')}`,
  invalidParameter: (task: string, name: string, rule: string) => `Maintenance task ${task}: parameter ${name} ${rule}`,
  notPdf: (contentType: string) => `Expected a PDF but the content is ${contentType}`,
} as const;
