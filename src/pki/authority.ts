import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createPublicKey, X509Certificate as NodeCertificate } from 'node:crypto';
import type { CertificateAuthority } from './certificates.js';
import { PkiInputError } from './errors.js';
import { importPrivateKeyPem } from './keys.js';
import { parsePem } from './pem.js';

/**
 * Reads a CA certificate and its private key (e.g. from --ca-cert and --ca-key) and checks that
 * the certificate is a CA allowed to sign certificates, valid at `now`, and that the key belongs to it.
 */
export async function loadCertificateAuthority(certificatePem: string, certificateSource: string, keyPem: string, keySource: string, now: Date): Promise<CertificateAuthority> {
  const block = parsePem(certificatePem).find((candidate) => candidate.label === 'CERTIFICATE');
  if (!block) throw new PkiInputError(`${certificateSource} contains no PEM certificate (-----BEGIN CERTIFICATE-----)`);

  let certificate: x509.X509Certificate;
  let node: NodeCertificate;
  try {
    certificate = new x509.X509Certificate(block.der);
    node = new NodeCertificate(block.der);
  } catch (error) {
    throw new PkiInputError(`cannot read the certificate in ${certificateSource}: ${(error as Error).message}`);
  }
  if (!node.ca) throw new PkiInputError(`${certificateSource} is not a CA certificate (basicConstraints CA is not true), so it cannot sign other certificates`);
  const usage = certificate.getExtension(x509.KeyUsagesExtension);
  if (usage && (usage.usages & x509.KeyUsageFlags.keyCertSign) === 0) throw new PkiInputError(`${certificateSource} lacks the keyCertSign key usage, so certificates it signs would be rejected`);
  // Clients reject every certificate signed by a CA outside its validity period, so signing with one only hides the problem.
  if (now.getTime() > certificate.notAfter.getTime()) throw new PkiInputError(`the CA certificate in ${certificateSource} expired on ${certificate.notAfter.toISOString()}; sign with a CA that is valid now`);
  if (now.getTime() < certificate.notBefore.getTime()) throw new PkiInputError(`the CA certificate in ${certificateSource} is not valid before ${certificate.notBefore.toISOString()}; sign with a CA that is valid now`);

  const keyPair = await importPrivateKeyPem(keyPem, keySource);
  const fromKey = createPublicKey(keyPem).export({ type: 'spki', format: 'der' });
  const fromCertificate = node.publicKey.export({ type: 'spki', format: 'der' });
  if (!fromKey.equals(fromCertificate)) throw new PkiInputError(`the private key in ${keySource} does not belong to the certificate in ${certificateSource}`);
  return { certificate, keyPair, source: certificateSource };
}
