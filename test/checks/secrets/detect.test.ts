import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  classifyEntry,
  findByShape,
  findHighEntropy,
  isCredentialFileName,
  isCredentialName,
  isExampleValue,
  isReferenceOrUnset,
  keyWords,
  scanText,
  shortHash,
} from '../../../src/checks/secrets/detect.js';

const BCRYPT = '$2a$10$2b2cU8CPhOTaGrs1HRQuAueS7JTT5ZHsHSzYiFPm1leZck7Mc8T4W';

describe('keyWords', () => {
  it.each([
    ['MINIO_ROOT_PASSWORD', ['minio', 'root', 'password']],
    ['rootPassword', ['root', 'password']],
    ['root-password', ['root', 'password']],
    ['APIKey', ['api', 'key']],
    ['spring.datasource.password', ['spring', 'datasource', 'password']],
    ['s3SecretKey', ['s3', 'secret', 'key']],
  ])('splits %s', (key, words) => {
    expect(keyWords(key)).toEqual(words);
  });
});

describe('isCredentialName', () => {
  it.each([
    'password', 'adminPassword', 'DB_PASSWORD', 'spring.datasource.password', 'passwd', 'pass', 'clientSecret', 'secret',
    'client_secret', 'apiKey', 'api_key', 'x-api-key', 'apikey', 'privateKey', 'accessKey', 'secretKey', 'AWS_SECRET_ACCESS_KEY',
    'credentials', 'token', 'authToken', 'requirepass', 'masterauth', 'rootpassword', 'jwtSecret',
  ])('%s names a credential', (key) => {
    expect(isCredentialName(key)).toBe(true);
  });

  it.each([
    'existingSecret', 'passwordKey', 'existingSecretPasswordKey', 'adminPasswordKey', 'secretName', 'secretKeyRef', 'passwordSecretRef',
    'certificatesSecret', 'tlsSecret', 'imagePullSecret', 'ALLOW_EMPTY_PASSWORD', 'POSTGRES_PASSWORD_FILE', 'passwordMinLength',
    'tokenEndpoint', 'enablePasswordDB', 'tls.key', 'certKeyFilename', 'AWS_ACCESS_KEY_ID', 'username', 'key', 'bypass', 'secrets',
    'hash', 'secretEnv', 'usePasswordFiles',
  ])('%s does not', (key) => {
    expect(isCredentialName(key)).toBe(false);
  });
});

describe('isReferenceOrUnset', () => {
  it.each([
    '', '  ', 'true', 'no', 'null', '${PGPASSWORD}', '$(POSTGRES_PASSWORD)', '$REDIS_PASSWORD', '{{ .Values.auth.password }}',
    '<path:secret/data/platform#password>', '<your-password>', 'ref+vault://secret/platform#/password', 'ENC[AES256_GCM,data:abc,type:str]',
    'vault:secret/data/platform#password', '/opt/bitnami/postgresql/secrets/postgres-password', '********', 'xxxx', 'REDACTED',
  ])('%j is not a credential value', (value) => {
    expect(isReferenceOrUnset(value)).toBe(true);
  });

  it.each(['hunter2', 'your-client-secret-here', 'changeme', 'Xq7-vLr2pWz9'])('%j is a literal', (value) => {
    expect(isReferenceOrUnset(value)).toBe(false);
  });
});

describe('isExampleValue', () => {
  it.each(['your-client-secret-here', 'mySecretPypiToken', 'changeme', 'CHANGE_ME', 'minio123', 'console123', 'password', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'])(
    '%j is a published example',
    (value) => {
      expect(isExampleValue(value)).toBe(true);
    },
  );

  it.each(['Xq7-vLr2pWz9', 'n4d-x9q-Lpe7'])('%j is not', (value) => {
    expect(isExampleValue(value)).toBe(false);
  });
});

describe('findByShape', () => {
  it('finds a PEM private key and names its type', () => {
    const found = findByShape('-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBase64\n-----END EC PRIVATE KEY-----\n');
    expect(found?.kind).toBe('private-key');
    expect(found?.description).toBe('a PEM EC private key');
  });

  it('finds the password of a URL and hashes only the password', () => {
    const found = findByShape('postgres://api:Vb7-kPz3@db:5432/api');
    expect(found?.kind).toBe('url-password');
    expect(found?.secret).toBe('Vb7-kPz3');
  });

  it('finds a URL password with an empty user', () => {
    expect(findByShape('redis://:Hn2-xPq7kVb4@platform-redis-master:6379/0')?.kind).toBe('url-password');
  });

  it('finds a connection string password', () => {
    expect(findByShape('Server=db;User Id=app;Password=9fk2LmQz;')?.kind).toBe('connection-password');
    expect(findByShape('host=db user=app password=9fk2LmQz dbname=app')?.secret).toBe('9fk2LmQz');
  });

  it('finds password hashes', () => {
    expect(findByShape(BCRYPT)?.description).toBe('a bcrypt password hash');
    expect(findByShape('$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo')?.description).toBe('an Argon2 password hash');
  });

  it('finds published token formats', () => {
    expect(findByShape('AKIAIOSFODNN7EXAMPLE')?.description).toBe('an AWS access key ID');
    expect(findByShape(`token ghp_${'a1B2'.repeat(9)}`)?.description).toBe('a GitHub token');
    expect(findByShape('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwbGF0Zm9ybSJ9.c2lnbmF0dXJlc2lnbmF0dXJl')?.description).toBe('a JSON Web Token');
  });

  it.each([
    'https://dex.local.howso.com',
    'nats://platform-nats:4222',
    'redis://${REDIS_USER}:${REDIS_PASSWORD}@platform-redis-master:6379',
    'MC_COMMAND="${MC} alias set myminio $SCHEME://$MINIO_ENDPOINT:$MINIO_PORT $ACCESS $SECRET"',
    'jdbc:postgresql://db:5432/ums?password=${DB_PASSWORD}',
  ])('ignores %j', (value) => {
    expect(findByShape(value)).toBeUndefined();
  });
});

describe('findHighEntropy', () => {
  it('finds a random token', () => {
    expect(findHighEntropy('b7Kq2xM9vP4nL8zR1wT5Yc3Hj6Fd0SgEa2UkXp7N')?.kind).toBe('high-entropy');
  });

  it.each([
    ['a hex digest', '3b56b3e7cb32cab3f934fa68a0bbe16aee7bde8d5f960e69750a3378991b63e4'],
    ['a UUID', '08a8684b-db88-4b73-90a9-3cd1661f5466'],
    ['a short value', 'Xq7-vLr2pWz9'],
    ['a readable identifier', 'PlatformUserManagementService2024Release'],
    ['a camelCase name', 'thisIsAVeryLongConfigurationKeyName2'],
    ['a base64 certificate', Buffer.from('-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2VydA==\n-----END CERTIFICATE-----\n').toString('base64')],
  ])('ignores %s', (_, value) => {
    expect(findHighEntropy(value)).toBeUndefined();
  });

  it('recognises a base64-encoded private key', () => {
    const encoded = Buffer.from('-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n').toString('base64');
    expect(findHighEntropy(encoded)?.description).toBe('a base64-encoded PEM private key');
  });
});

describe('classifyEntry', () => {
  it('counts a number under a credential name', () => {
    expect(classifyEntry('password', 123456, { entropy: false })?.kind).toBe('named');
  });

  it('ignores numbers and booleans under other names', () => {
    expect(classifyEntry('port', 5432, { entropy: true })).toBeUndefined();
    expect(classifyEntry('password', true, { entropy: true })).toBeUndefined();
  });

  it('takes a qualified secret key with an object name as a reference', () => {
    expect(classifyEntry('INGRESS_SECRET', 'platform-ingress-tls', { entropy: true })).toBeUndefined();
    expect(classifyEntry('databaseSecret', 'platform-postgres-postgresql', { entropy: true })).toBeUndefined();
    expect(classifyEntry('webhookSecret', 'hook-s3cret-value', { entropy: true })?.kind).toBe('named');
    expect(classifyEntry('secret', 'your-client-secret-here', { entropy: true })?.kind).toBe('named');
    expect(classifyEntry('INGRESS_SECRET', 'Platform_Ingress!', { entropy: true })?.kind).toBe('named');
  });

  it('marks example values', () => {
    const found = classifyEntry('clientSecret', 'your-client-secret-here', { entropy: false });
    expect(found?.example).toBe(true);
    expect(found?.description).toBe('a well-known example or default value');
  });

  it('prefers the value shape to the key name', () => {
    expect(classifyEntry('hash', BCRYPT, { entropy: false })?.kind).toBe('password-hash');
  });

  it('reports random values only when asked', () => {
    const value = 'b7Kq2xM9vP4nL8zR1wT5Yc3Hj6Fd0SgEa2UkXp7N';
    expect(classifyEntry('signing', value, { entropy: true })?.kind).toBe('high-entropy');
    expect(classifyEntry('signing', value, { entropy: false })).toBeUndefined();
    expect(classifyEntry('checksum', value, { entropy: true })).toBeUndefined();
  });
});

describe('scanText', () => {
  it('finds assignments, directives and flags with their line and key', () => {
    const text = [
      '# database',
      'spring.datasource.password=Lw8-tYk3pQ1z',
      'requirepass Hn2-xPq7kVb4',
      'exec server --api-token=Tk9-wQz2 --port 8080',
      '"clientSecret": "Cs4-pLq8",',
    ].join('\n');
    expect(scanText(text).map(({ line, key }) => ({ line, key }))).toEqual([
      { line: 2, key: 'spring.datasource.password' },
      { line: 3, key: 'requirepass' },
      { line: 4, key: '--api-token' },
      { line: 5, key: 'clientSecret' },
    ]);
  });

  it('skips comments, shell expansions and file paths', () => {
    const text = [
      '# password: Lw8-tYk3pQ1z',
      'export REDIS_PASSWORD="$(< "${REDIS_PASSWORD_FILE}")"',
      'SECRET=$(cat /config/rootPassword)',
      'ARGS+=("--requirepass" "${REDIS_PASSWORD}")',
      'passwordFile: /run/secrets/db',
      'password: |',
    ].join('\n');
    expect(scanText(text)).toEqual([]);
  });

  it('reports a PEM block once and skips its lines', () => {
    const text = 'key: |\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAsecretline\n-----END RSA PRIVATE KEY-----\npassword: Pw5-kLz9';
    const found = scanText(text);
    expect(found.map(({ line }) => line)).toEqual([2, 5]);
    expect(found[0].match.kind).toBe('private-key');
  });

  it('finds the MinIO chart user secret key and its values switch', () => {
    const found = scanText('echo console > $MINIO_ACCESSKEY_SECRETKEY_TMP\necho console123 >> $MINIO_ACCESSKEY_SECRETKEY_TMP\ncreateUser consoleAdmin');
    expect(found).toHaveLength(1);
    expect(found[0].line).toBe(2);
    expect(found[0].match.kind).toBe('chart-script');
    expect(found[0].match.example).toBe(true);
    expect(found[0].match.switchKey).toContain('users[].existingSecret');
  });

  it('ignores the MinIO line that reads an existing Secret', () => {
    expect(scanText('cat /config/secrets/minio-users/secretKey >> $MINIO_ACCESSKEY_SECRETKEY_TMP')).toEqual([]);
  });
});

describe('isCredentialFileName', () => {
  it.each(['id_rsa', '.pgpass', 'keystore.p12', 'tls.key', '.htpasswd', 'credentials'])('%s is key material', (name) => {
    expect(isCredentialFileName(name)).toBe(true);
  });

  it.each(['tls.crt', 'ca.crt', 'nats.conf', 'keys.txt'])('%s is not', (name) => {
    expect(isCredentialFileName(name)).toBe(false);
  });
});

describe('shortHash', () => {
  it('is the first 8 hex digits of SHA-256', () => {
    expect(shortHash('hunter2')).toBe(createHash('sha256').update('hunter2').digest('hex').slice(0, 8));
    expect(shortHash('hunter2')).toMatch(/^[0-9a-f]{8}$/);
  });
});
