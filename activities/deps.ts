/**
 * What every activity factory receives from the worker: the validated inventory and the secret resolver.
 * Activities take inventory names as input and look up hosts and credentials here, so no secret ever travels
 * through workflow arguments or history.
 */
import type { Inventory } from '../config/inventory';
import type { SecretResolver } from '../worker/secrets';

export interface ActivityDeps {
  inventory: Inventory;
  resolveSecret: SecretResolver;
}
