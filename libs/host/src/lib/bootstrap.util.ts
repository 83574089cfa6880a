import { HostConfigError } from './host-config.error';
import { HostConfig } from './host-config.interface';
import { loadHostConfig } from './host-config.util';

/**
 * Reads the configuration before anything starts; a bad value stops the process with a
 * message naming the variable (exit code 78, EX_CONFIG).
 */
export function loadHostConfigOrExit(env: NodeJS.ProcessEnv = process.env): HostConfig {
  try {
    return loadHostConfig(env);
  } catch (error) {
    if (error instanceof HostConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
}
