import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Pem {
  /** PEM file path (for TEMPORAL_TLS_*_PATH). */
  path: string;
  text: string;
}

export interface TestCertificates {
  ca: Pem;
  server: { cert: Pem; key: Pem };
  client: { cert: Pem; key: Pem };
}

/**
 * A throwaway CA, a server certificate for localhost / 127.0.0.1 and a client certificate, made by
 * the openssl CLI in a temporary folder (EC P-256, valid two days, with the extensions rustls and
 * OpenSSL verify: SAN, key usage, extended key usage).
 */
export async function makeTestCertificates(): Promise<TestCertificates> {
  const dir = await mkdtemp(path.join(tmpdir(), 'recertify-tls-'));
  const openssl = (...args: string[]) => run('openssl', args, { cwd: dir });
  const pem = async (name: string): Promise<Pem> => ({
    path: path.join(dir, name),
    text: await readFile(path.join(dir, name), 'utf8'),
  });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

  await openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=Recertify test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  const issue = async (name: string, extensions: string) => {
    await writeFile(path.join(dir, `${name}.ext`), extensions);
    await openssl('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    await openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
    );
  };
  const common = 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n';
  await issue('server', `${common}extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n`);
  await issue('client', `${common}extendedKeyUsage=clientAuth\nsubjectAltName=DNS:recertify-worker\n`);
  return {
    ca: await pem('ca.pem'),
    server: { cert: await pem('server.pem'), key: await pem('server.key') },
    client: { cert: await pem('client.pem'), key: await pem('client.key') },
  };
}
