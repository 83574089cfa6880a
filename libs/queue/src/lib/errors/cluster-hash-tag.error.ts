import { QueueMessages } from '../queue.messages';

/** A key prefix without a hash tag on Redis Cluster: bull's keys would land in different slots. */
export class ClusterHashTagError extends Error {
  constructor(readonly prefix: string) {
    super(QueueMessages.clusterPrefixWithoutHashTag(prefix));
    this.name = 'ClusterHashTagError';
  }
}
