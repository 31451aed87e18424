import type { Db } from '../lib/db';
import { createAnalysisActivities } from './analysis/progress';

export interface ActivityDeps {
  db: Db;
}

/** Every activity the worker registers, built from the dependencies the worker wires in. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createAnalysisActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
