import * as vscode from 'vscode';
import type { ProxySettings } from '../http/proxy';

/**
 * VS Code's proxy settings as the HTTP core and the trust probes take them: `http.proxy`, `http.proxyStrictSSL`
 * (never honoured as "off": TLS is always verified) and `http.noProxy`. Undefined when no proxy is set.
 */
export function vscodeProxySettings(): ProxySettings | undefined {
  const http = vscode.workspace.getConfiguration('http');
  const url = http.get<string>('proxy');
  if (!url || url.trim() === '') {
    return undefined;
  }
  const noProxy = http.get<unknown>('noProxy');
  return {
    url: url.trim(),
    strictSSL: http.get<boolean>('proxyStrictSSL', true),
    noProxy: Array.isArray(noProxy) ? noProxy.filter((s): s is string => typeof s === 'string') : [],
  };
}
