import type { TestProject } from 'vitest/node';
import { removeTestImages, startStack, type StackInfo } from './stack.js';

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackInfo;
  }
}

/** Builds the images and starts the stack once for every system test file; takes it down after. */
export default async function setup(project: TestProject) {
  const name = `meshlab-test-${process.pid}`;
  const started = Date.now();
  const { info, stop } = await startStack(name);
  console.log(
    `stack ${name} up in ${((Date.now() - started) / 1000).toFixed(1)} s, config in ${info.configDir}`,
  );
  project.provide('stack', info);
  return async () => {
    await stop();
    await removeTestImages();
  };
}
