// Entry point VS Code loads as `extensionTestsPath`: runs every integration suite inside the real extension host.
import { runInHost } from '../host/inHost';

export function run(): Promise<void> {
  return runInHost(__dirname);
}
