import type { Resource } from '../../model/resource.js';
import { defineCheck } from '../define.js';

export default defineCheck({
  id: 'input/unknown-kind',
  severity: 'info',
  side: 'shared',
  description: 'Every object is of a kind rampart knows: built into Kubernetes, one of the custom resources it models, or defined by a CustomResourceDefinition in the input.',
  rationale: 'rampart cannot audit what it has no model for; counting unknown kinds shows what the audit did not cover and catches misspelt kinds.',
  remediation: 'Check the spelling of the kind and apiVersion; for a custom resource, add its CustomResourceDefinition to the input or review the objects by hand.',
  messages: { unknown: '{{count}} object(s) of unknown kind {{kind}} ({{apiVersion}}) were not audited.' },
  run(inventory) {
    const unknown = new Map<string, Resource[]>();
    for (const resource of inventory.resources) {
      if (inventory.kinds.isKnown(resource.group, resource.kind)) continue;
      const key = `${resource.apiVersion}\u0000${resource.kind}`;
      const group = unknown.get(key);
      if (group) group.push(resource);
      else unknown.set(key, [resource]);
    }
    return [...unknown.values()].map((resources) => ({
      messageId: 'unknown' as const,
      data: { count: resources.length, kind: resources[0].kind, apiVersion: resources[0].apiVersion },
      resource: resources[0],
    }));
  },
});
