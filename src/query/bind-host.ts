/**
 * Where to listen for `application.server`: loopback when the advertised host is loopback,
 * otherwise every interface, because other instances (and containers' port mappings) reach the
 * server under the advertised name, which need not be an address of this host.
 */
export function defaultBindHost(applicationServer: string): string {
  const host = applicationServer.slice(0, applicationServer.lastIndexOf(':')).replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '127.0.0.1' || host === '::1' ? host : '0.0.0.0';
}
