/** Small manifests that several tests build on. */

/** Builds a Bitnami PostgreSQL StatefulSet with TLS on and the given pg_hba.conf. */
export function bitnamiPostgresWithTls(hba: string): string {
  return `apiVersion: v1
kind: Service
metadata: {name: platform-postgres-postgresql, namespace: howso}
spec:
  selector: {app.kubernetes.io/name: postgresql}
  ports: [{name: tcp-postgresql, port: 5432, targetPort: tcp-postgresql}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: platform-postgres-postgresql, namespace: howso}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: postgresql}}
  template:
    metadata: {labels: {app.kubernetes.io/name: postgresql}}
    spec:
      containers:
      - name: postgresql
        image: docker.io/bitnami/postgresql:17.6.0
        ports: [{name: tcp-postgresql, containerPort: 5432}]
        env: [{name: POSTGRESQL_ENABLE_TLS, value: "yes"}]
        volumeMounts: [{name: hba, mountPath: /bitnami/postgresql/conf}]
      volumes: [{name: hba, configMap: {name: pg-hba}}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: pg-hba, namespace: howso}
data:
  pg_hba.conf: |
${hba.split('\n').map((line) => `    ${line}`).join('\n')}
---
`;
}

/** Builds a Deployment `api` in howso with the given env entries and a CA Secret mounted at /etc/pg-ca. */
export function postgresClient(env: Record<string, string>): string {
  const entries = Object.entries(env).map(([name, value]) => `        - {name: ${name}, value: "${value}"}`).join('\n');
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: howso}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
      - name: api
        image: example.com/api:1.0
        env:
${entries}
        volumeMounts: [{name: ca, mountPath: /etc/pg-ca}]
      volumes: [{name: ca, secret: {secretName: postgres-ca}}]
---
`;
}

/** Service and Deployment `web` in howso, listening on 8080, as the first documents of a stream. */
export const WEB_SERVICE_AND_DEPLOYMENT = `apiVersion: v1
kind: Service
metadata: {name: web, namespace: howso}
spec: {selector: {app: web}, ports: [{port: 8080}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: howso}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "x", ports: [{containerPort: 8080}]}]}
---
`;
