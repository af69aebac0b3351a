import { describe, expect, it } from 'vitest';
import { formatImageReference, matchesRegistryPattern, parseImageReference, parseRegistryPattern } from '../../src/images/reference.js';

const DIGEST = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

describe('parseImageReference', () => {
  const valid: [string, string, string, string | undefined, string | undefined, boolean][] = [
    // input, registry, repository, tag, digest, implicit registry
    ['nginx', 'docker.io', 'library/nginx', undefined, undefined, true],
    ['nginx:1.27', 'docker.io', 'library/nginx', '1.27', undefined, true],
    ['natsio/nats-box:0.19.7', 'docker.io', 'natsio/nats-box', '0.19.7', undefined, true],
    ['docker.io/nginx', 'docker.io', 'library/nginx', undefined, undefined, false],
    ['index.docker.io/bitnami/redis:8.2.1', 'docker.io', 'bitnami/redis', '8.2.1', undefined, false],
    ['quay.io/minio/minio:RELEASE.2024-12-18T13-15-44Z', 'quay.io', 'minio/minio', 'RELEASE.2024-12-18T13-15-44Z', undefined, false],
    ['localhost/app', 'localhost', 'app', undefined, undefined, false],
    ['registry-localhost:5000/pause:3.9', 'registry-localhost:5000', 'pause', '3.9', undefined, false],
    ['Registry.Example.com/team/app:v1', 'registry.example.com', 'team/app', 'v1', undefined, false],
    ['[fd00::1]:5000/app:2', '[fd00::1]:5000', 'app', '2', undefined, false],
    [`nginx@${DIGEST}`, 'docker.io', 'library/nginx', undefined, DIGEST, true],
    [`ghcr.io/org/app:1.0@${DIGEST}`, 'ghcr.io', 'org/app', '1.0', DIGEST, false],
    ['a/b__c/d-e.f:tag_1', 'docker.io', 'a/b__c/d-e.f', 'tag_1', undefined, true],
  ];
  for (const [input, registry, repository, tag, digest, implicitRegistry] of valid) {
    it(`parses ${input}`, () => {
      const reference = parseImageReference(input);
      expect(reference).toBeDefined();
      expect(reference?.registry).toBe(registry);
      expect(reference?.repository).toBe(repository);
      expect(reference?.tag).toBe(tag);
      expect(reference?.digest).toBe(digest);
      expect(reference?.implicitRegistry).toBe(implicitRegistry);
    });
  }

  const invalid = ['', ' nginx', 'nginx ', 'Nginx:1.0', 'team/App:1', 'nginx:', 'nginx:-bad', 'nginx@sha256:abc', 'registry.example.com/', 'a//b', 'a/-b', `x:${'t'.repeat(129)}`];
  for (const input of invalid) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      expect(parseImageReference(input)).toBeUndefined();
    });
  }

  it('formats the full reference', () => {
    const reference = parseImageReference(`busybox:1.36@${DIGEST}`);
    expect(reference).toBeDefined();
    if (!reference) return;
    expect(formatImageReference(reference)).toBe(`docker.io/library/busybox:1.36@${DIGEST}`);
  });
});

describe('registry patterns', () => {
  const cases: [string, string, boolean][] = [
    // pattern, image, matches
    ['registry.example.com', 'registry.example.com/any/app:1', true],
    ['registry.example.com', 'registry.example.com:5000/app:1', false],
    ['registry.example.com:5000', 'registry.example.com:5000/app:1', true],
    ['registry.example.com/mirror', 'registry.example.com/mirror/nginx:1', true],
    ['registry.example.com/mirror', 'registry.example.com/mirror/sub/nginx:1', true],
    ['registry.example.com/mirror', 'registry.example.com/mirrored/nginx:1', false],
    ['registry.example.com/mirror/', 'registry.example.com/mirror/nginx:1', true],
    ['https://registry.example.com', 'registry.example.com/nginx:1', true],
    ['docker.io', 'nginx:1.27', true],
    ['index.docker.io', 'nginx:1.27', true],
    ['docker.io/library', 'nginx:1.27', true],
    ['docker.io/library', 'bitnami/redis:8', false],
    ['docker.io/bitnami', 'docker.io/bitnami/redis:8', true],
    ['*.example.com', 'registry.example.com/app:1', true],
    ['*.example.com', 'example.com/app:1', false],
    ['*.example.com', 'registry.example.com:5000/app:1', false],
    ['*.example.com:5000', 'registry.example.com:5000/app:1', true],
    ['*.example.com', 'registry.badexample.com/app:1', false],
  ];
  for (const [entry, image, expected] of cases) {
    it(`${entry} ${expected ? 'matches' : 'does not match'} ${image}`, () => {
      const pattern = parseRegistryPattern(entry);
      const reference = parseImageReference(image);
      expect(pattern).toBeDefined();
      expect(reference).toBeDefined();
      if (!pattern || !reference) return;
      expect(matchesRegistryPattern(pattern, reference.registry, reference.repository)).toBe(expected);
    });
  }

  it('ignores an empty entry', () => {
    expect(parseRegistryPattern('  ')).toBeUndefined();
  });
});
