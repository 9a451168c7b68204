// Importing the token the `aptible` CLI saved. Pure: no `vscode` import.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The token `aptible login` saved for this auth URL, or APTIBLE_ACCESS_TOKEN. */
export function readAptibleCliToken(authUrl: string, file = path.join(os.homedir(), '.aptible', 'tokens.json'), env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.APTIBLE_ACCESS_TOKEN) {
    return env.APTIBLE_ACCESS_TOKEN;
  }
  try {
    const tokens = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
    const key = authUrl.replace(/\/+$/, '');
    return tokens[key] ?? tokens[`${key}/`];
  } catch {
    return undefined;
  }
}
