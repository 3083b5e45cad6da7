import net from 'node:net';
import tls from 'node:tls';
import type { TLSConfig } from '@temporalio/client';

/**
 * Opens one TLS connection as the gRPC client would (same CA, client
 * certificate, server name, ALPN h2) and gives why it fails, or undefined.
 * TLS 1.3 servers refuse a client certificate only after the handshake, so a
 * completed one is watched a moment longer for that alert.
 */
export async function tlsHandshakeProblem(address: string, config: TLSConfig): Promise<string | undefined> {
  const match = /^\[?(.*?)\]?:(\d+)$/.exec(address);
  const host = match?.[1] ?? address;
  const port = Number(match?.[2] ?? 7233);
  const servername = config.serverNameOverride ?? (net.isIP(host) ? undefined : host);
  return new Promise((resolve) => {
    const socket = tls.connect({
      host,
      port,
      ALPNProtocols: ['h2'],
      ...(servername ? { servername } : {}),
      ...(config.serverRootCACertificate ? { ca: Buffer.from(config.serverRootCACertificate) } : {}),
      ...(config.clientCertPair ? { cert: Buffer.from(config.clientCertPair.crt), key: Buffer.from(config.clientCertPair.key) } : {}),
    });
    const done = (problem: string | undefined) => {
      socket.destroy();
      resolve(problem);
    };
    socket.setTimeout(5000, () => done('no answer within 5 s'));
    socket.on('error', (err: NodeJS.ErrnoException) => done(handshakeHint(err)));
    socket.on('secureConnect', () => {
      if (socket.alpnProtocol !== 'h2') return done(`the server did not agree to HTTP/2 (ALPN ${socket.alpnProtocol || 'none'}), which gRPC needs`);
      setTimeout(() => done(undefined), 500);
    });
  });
}

/** OpenSSL's words for the usual set-up mistakes, said in terms of our settings. */
const HANDSHAKE_HINTS: Array<[RegExp, string]> = [
  [/WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|HTTP_REQUEST/, 'the server does not speak TLS on this port (plain gRPC?)'],
  [/ALERT_CERTIFICATE_REQUIRED/, 'the server wants a client certificate (TEMPORAL_TLS_CERT_FILE, TEMPORAL_TLS_KEY_FILE)'],
  [/ALERT_(BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_UNKNOWN|HANDSHAKE_FAILURE)/, 'the server refused the client certificate (TEMPORAL_TLS_CERT_FILE)'],
  [/ALTNAME_INVALID/, 'the server certificate is for another name (TEMPORAL_TLS_SERVER_NAME)'],
  [/SELF_SIGNED|UNABLE_TO_(VERIFY_LEAF|GET_ISSUER)|CERT_UNTRUSTED/, 'the server certificate is not signed by a trusted CA (TEMPORAL_TLS_CA_FILE)'],
  [/CERT_HAS_EXPIRED|CERT_NOT_YET_VALID/, 'the server certificate is outside its validity dates'],
];

function handshakeHint(err: NodeJS.ErrnoException): string {
  const code = err.code ?? '';
  const hint = HANDSHAKE_HINTS.find(([pattern]) => pattern.test(code))?.[1];
  // OpenSSL's own message adds library internals (source files, error numbers) past its first clause.
  return `${hint ?? err.message.split(/:error:|\n/)[0]}${code ? ` [${code}]` : ''}`;
}
