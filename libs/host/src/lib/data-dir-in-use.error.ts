/** Another host, still running, owns the embedded redis-server's data folder. */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly ownerPid: number,
    ownerPort?: number,
  ) {
    super(
      `The data folder ${dataDir} is in use by another RipTide host (pid ${ownerPid}${ownerPort ? `, its redis-server on 127.0.0.1:${ownerPort}` : ''}). ` +
        'Stop that host first, or give this one its own RIPTIDE_DATA_DIR (or a REDIS_URL).',
    );
    this.name = 'DataDirInUseError';
  }
}
