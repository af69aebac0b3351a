import { isRecord, type Json } from '../../model/access.js';
import { describeRef, type PathSegment, type ValuesDocument } from '../../model/resource.js';
import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { isHelmManaged, PASSWORD_CHARTS, passwordChartOf, workloadsUsingSecret, type PasswordChart } from './charts.js';

type MessageId = 'rendered' | 'values';

const MAX_LISTED_WORKLOADS = 3;

export default defineCheck({
  id: 'secrets/chart-generated-password',
  severity: 'medium',
  side: 'operator',
  description: 'The PostgreSQL, Redis and MinIO charts use a Secret the operator manages (existingSecret) instead of rendering their own password Secret.',
  rationale:
    'When no existing Secret is named, the Bitnami PostgreSQL and Redis charts and the MinIO chart render a Secret themselves and fill any password the values leave empty with a random one made at render time. That password lives only in the cluster and in Helm\'s release history, no secret store knows it, and a render without access to the cluster (helm template, GitOps tools) can make a new one that no longer matches the password the data was initialised with.',
  remediation: 'Create the credentials Secret from your secret store (for example with an ExternalSecret) and set the chart\'s existingSecret value to its name.',
  messages: {
    rendered: '{{secret}} is the {{chart}} chart\'s own password Secret (keys {{keys}}), {{usedBy}}; the chart makes up any password its values leave empty.',
    values: 'Values for the {{chart}} chart name no existing Secret and give no password, so the chart renders its own Secret with a random password.',
  },
  limitations: [
    'Charts are recognised by the keys of their Secret (postgres-password, redis-password, rootUser and rootPassword, root-password) and by their values keys; a renamed key or an unknown chart is not seen.',
    'From rendered output alone the check cannot tell a generated password from one given in the values; secrets/credential-in-values reports a password given inline.',
  ],
  run(inventory) {
    const findings: FindingDraft<MessageId>[] = [];

    for (const secret of inventory.secrets) {
      if (!isHelmManaged(secret.resource)) continue;
      const chart = passwordChartOf(secret.resource, secret.keys);
      if (!chart) continue;
      const keys = chart.secretKeys.filter((key) => secret.keys.includes(key));
      const users = workloadsUsingSecret(inventory, secret.resource.namespace ?? 'default', secret.resource.name);
      const listedUsers = users.slice(0, MAX_LISTED_WORKLOADS).map((workload) => describeRef(workload.resource));
      const more = users.length - listedUsers.length;
      findings.push({
        messageId: 'rendered',
        data: {
          secret: describeRef(secret.resource),
          chart: chart.chart,
          keys: keys.join(', '),
          usedBy: users.length === 0 ? 'which no workload in the input reads' : `read by ${listedUsers.join(', ')}${more > 0 ? ` and ${more} more` : ''}`,
        },
        resource: secret.resource,
        path: ['data'],
        fix: fixFor(chart),
      });
    }

    for (const document of inventory.values) findings.push(...checkValues(document));
    return findings;
  },
});

/** Checks a values document as the chart's own values, and as a parent chart's values for it under its subchart key. */
function checkValues(document: ValuesDocument): FindingDraft<MessageId>[] {
  const findings: FindingDraft<MessageId>[] = [];
  for (const chart of PASSWORD_CHARTS) {
    const candidates: { values: Json; path: PathSegment[] }[] = [];
    if (chart.recognises(document.data)) candidates.push({ values: document.data, path: [] });
    const nested = document.data[chart.subchartKey];
    // Under its subchart key, an `auth` mapping or the chart's own keys are enough; `enabled: false` leaves the subchart out.
    if (isRecord(nested) && nested.enabled !== false && (chart.recognises(nested) || isRecord(nested.auth))) candidates.push({ values: nested, path: [chart.subchartKey] });

    for (const { values, path } of candidates) {
      if (chart.existingSecret(values) || chart.givesPassword(values) || chart.disablesAuth(values)) continue;
      findings.push({
        messageId: 'values',
        data: { chart: chart.chart },
        values: document,
        path: isRecord(values.auth) ? [...path, 'auth'] : path,
        fix: fixFor(chart),
      });
    }
  }
  return findings;
}

function fixFor(chart: PasswordChart): string {
  return `Create the credentials Secret from your secret store and set ${chart.switchKey} to its name; ${chart.secretKeysNote}.`;
}
