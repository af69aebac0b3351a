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
