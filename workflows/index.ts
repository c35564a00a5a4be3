/** Every production workflow, for the worker's bundle. */
export {};
