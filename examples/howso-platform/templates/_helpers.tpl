{{/*
Labels of every object of a component. Call with (dict "root" $ "component" "platform-ui").
*/}}
{{- define "platform.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
{{ include "platform.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: howso-platform
{{- end }}

{{/*
Labels that select a component's pods; they must not change between upgrades.
*/}}
{{- define "platform.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/*
Image reference <registry>/<registryNamespace>/<repository>:<tag>, with empty segments left
out and the tag defaulting to the chart's appVersion. Call with (dict "root" $ "image" .Values.ui2.image).
Registry and namespace are trimmed, so a quoted value with stray spaces still gives a valid reference.
*/}}
{{- define "platform.image" -}}
{{- $images := .root.Values.images -}}
{{- $parts := list -}}
{{- with trim ($images.registry | default "") }}{{ $parts = append $parts (trimSuffix "/" .) }}{{ end -}}
{{- with trim ($images.registryNamespace | default "") }}{{ $parts = append $parts (trimAll "/" .) }}{{ end -}}
{{- $parts = append $parts .image.repository -}}
{{- printf "%s:%s" (join "/" $parts) (toString (.image.tag | default .root.Chart.AppVersion)) -}}
{{- end }}

{{/*
imagePullSecrets of a pod spec, or nothing when no license ID is set. Callers indent it.
*/}}
{{- define "platform.imagePullSecrets" -}}
{{- if .Values.license.id -}}
imagePullSecrets:
  - name: {{ .Values.images.pullSecretName }}
{{- end -}}
{{- end }}

{{/*
Host name of a subdomain of .Values.domain. Call with (dict "root" $ "subdomain" .Values.api.subdomain).
*/}}
{{- define "platform.host" -}}
{{- printf "%s.%s" .subdomain .root.Values.domain -}}
{{- end }}

{{/*
Every host the Ingresses serve, separated by spaces: the names the default ingress
certificate must cover.
*/}}
{{- define "platform.ingressHosts" -}}
{{- $hosts := list -}}
{{- if .Values.redirectParentDomain }}{{ $hosts = append $hosts .Values.domain }}{{ end -}}
{{- range $subdomain := list .Values.ui2.subdomain .Values.api.subdomain .Values.ums.subdomain .Values.pypi.subdomain .Values.presigned.subdomain -}}
{{- $hosts = append $hosts (include "platform.host" (dict "root" $ "subdomain" $subdomain)) -}}
{{- end -}}
{{- join " " $hosts -}}
{{- end }}

{{/*
URL at which other pods reach a service: plain HTTP on the application's port, or HTTPS
on 8443 through the nginx sidecar when podTLS is enabled.
Call with (dict "root" $ "service" "platform-ums" "port" 8000).
*/}}
{{- define "platform.internalURL" -}}
{{- if .root.Values.podTLS.enabled -}}
{{- printf "https://%s.%s.svc.cluster.local:8443" .service .root.Release.Namespace -}}
{{- else -}}
{{- printf "http://%s.%s.svc.cluster.local:%v" .service .root.Release.Namespace .port -}}
{{- end -}}
{{- end }}

{{/*
Service of a component. Call with (dict "root" $ "name" "platform-ums" "component" "user-management-service"
"port" 8000 "annotations" .Values.ums.service.annotations "podTLS" true). With podTLS false the Service
keeps plain HTTP, for services that no Ingress reaches.
*/}}
{{- define "platform.service" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ .name }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "platform.labels" . | nindent 4 }}
  {{- with .annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: ClusterIP
  selector:
    {{- include "platform.selectorLabels" . | nindent 4 }}
  ports:
  {{- if and .podTLS .root.Values.podTLS.enabled }}
    - name: https
      port: 8443
      targetPort: https
      protocol: TCP
      appProtocol: https
  {{- else }}
    - name: http
      port: {{ .port }}
      targetPort: http
      protocol: TCP
      appProtocol: http
  {{- end }}
{{- end }}

{{/*
nginx sidecar that terminates TLS on 8443 and forwards to the application on localhost.
Call with (dict "root" $ "component" "platform-api").
*/}}
{{- define "platform.podTLS.container" -}}
- name: nginx-tls
  image: {{ include "platform.image" (dict "root" .root "image" .root.Values.podTLS.image) | quote }}
  imagePullPolicy: {{ .root.Values.images.pullPolicy }}
  ports:
    - name: https
      containerPort: 8443
      protocol: TCP
  readinessProbe:
    tcpSocket:
      port: https
  volumeMounts:
    - name: nginx-tls-config
      mountPath: /etc/nginx/conf.d/default.conf
      subPath: {{ .component }}.conf
      readOnly: true
    - name: server-tls
      mountPath: /etc/nginx/tls
      readOnly: true
{{- end }}

{{/*
Volumes of the nginx sidecar. Call with (dict "root" $ "service" "platform-api-v3").
*/}}
{{- define "platform.podTLS.volumes" -}}
- name: nginx-tls-config
  configMap:
    name: platform-nginx-tls
- name: server-tls
  secret:
    secretName: {{ .service }}-server-tls
{{- end }}

{{/*
libpq environment (PGHOST, PGSSLMODE, ...) for one entry of datastores.postgres, read by
psycopg and every other libpq client. Call with (dict "root" $ "database" "ums").
*/}}
{{- define "platform.postgres.env" -}}
{{- $db := index .root.Values.datastores.postgres .database -}}
{{- $mount := printf "/etc/platform/postgres/%s" .database -}}
- name: PGHOST
  value: {{ $db.host | quote }}
- name: PGPORT
  value: {{ $db.port | toString | quote }}
- name: PGDATABASE
  value: {{ $db.name | quote }}
- name: PGUSER
  value: {{ $db.user | quote }}
- name: PGPASSWORD
  valueFrom:
    secretKeyRef:
      {{- if $db.password }}
      name: platform-datastores
      key: postgres-{{ .database }}-password
      {{- else }}
      name: {{ $db.passwordSecret.name }}
      key: {{ $db.passwordSecret.key }}
      {{- end }}
- name: PGSSLMODE
  value: {{ $db.sslmode | default "prefer" | quote }}
{{- if $db.serverVerificationCustomCertChain }}
- name: PGSSLROOTCERT
  value: {{ printf "%s/server-ca/ca.crt" $mount | quote }}
{{- end }}
{{- if $db.clientVerification }}
- name: PGSSLCERT
  value: {{ printf "%s/client/tls.crt" $mount | quote }}
- name: PGSSLKEY
  value: {{ printf "%s/client/tls.key" $mount | quote }}
{{- end }}
{{- end }}

{{- define "platform.postgres.volumeMounts" -}}
{{- $db := index .root.Values.datastores.postgres .database -}}
{{- if $db.serverVerificationCustomCertChain }}
- name: postgres-{{ .database }}-server-ca
  mountPath: /etc/platform/postgres/{{ .database }}/server-ca
  readOnly: true
{{- end }}
{{- if $db.clientVerification }}
- name: postgres-{{ .database }}-client
  mountPath: /etc/platform/postgres/{{ .database }}/client
  readOnly: true
{{- end }}
{{- end }}

{{- define "platform.postgres.volumes" -}}
{{- $db := index .root.Values.datastores.postgres .database -}}
{{- if $db.serverVerificationCustomCertChain }}
- name: postgres-{{ .database }}-server-ca
  secret:
    secretName: {{ required (printf "datastores.postgres.%s.serverCertChainSecretName is required when serverVerificationCustomCertChain is true" .database) $db.serverCertChainSecretName }}
{{- end }}
{{- if $db.clientVerification }}
- name: postgres-{{ .database }}-client
  secret:
    secretName: {{ required (printf "datastores.postgres.%s.clientCertSecretName is required when clientVerification is true" .database) $db.clientCertSecretName }}
    # libpq refuses a client key that others can read.
    defaultMode: 0400
{{- end }}
{{- end }}

{{- define "platform.redis.env" -}}
{{- $redis := .Values.datastores.redis -}}
- name: REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $redis.passwordSecret.name }}
      key: {{ $redis.passwordSecret.key }}
{{- end }}

{{- define "platform.minio.env" -}}
{{- $minio := .Values.datastores.minio -}}
- name: AWS_ACCESS_KEY_ID
  valueFrom:
    secretKeyRef:
      name: {{ $minio.credentialsSecret.name }}
      key: {{ $minio.credentialsSecret.accessKeyKey }}
- name: AWS_SECRET_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $minio.credentialsSecret.name }}
      key: {{ $minio.credentialsSecret.secretKeyKey }}
{{- end }}

{{/*
Volumes that hold the CAs of NATS and Redis when their TLS is on, and their mounts.
*/}}
{{- define "platform.datastoreCA.volumeMounts" -}}
{{- if and .Values.datastores.nats.tls.enabled .Values.datastores.nats.tls.caSecretName }}
- name: nats-ca
  mountPath: /etc/platform/nats
  readOnly: true
{{- end }}
{{- if and .Values.datastores.redis.tls.enabled .Values.datastores.redis.tls.caSecretName }}
- name: redis-ca
  mountPath: /etc/platform/redis
  readOnly: true
{{- end }}
{{- end }}

{{- define "platform.datastoreCA.volumes" -}}
{{- if and .Values.datastores.nats.tls.enabled .Values.datastores.nats.tls.caSecretName }}
- name: nats-ca
  secret:
    secretName: {{ .Values.datastores.nats.tls.caSecretName }}
{{- end }}
{{- if and .Values.datastores.redis.tls.enabled .Values.datastores.redis.tls.caSecretName }}
- name: redis-ca
  secret:
    secretName: {{ .Values.datastores.redis.tls.caSecretName }}
{{- end }}
{{- end }}

{{/*
Secret with the certificate of an Ingress: the cert-manager managed <ingress>-tls when an
issuer is set, else overrideIngressCerts.secretName when set, else the certificate that the
cert-generation jobs sign with the platform CA. Call with (dict "root" $ "ingress" "platform-ums").
*/}}
{{- define "platform.ingressTLSSecret" -}}
{{- $override := .root.Values.overrideIngressCerts -}}
{{- if .root.Values.internalPKI.ingressCertIssuer -}}
{{- printf "%s-tls" .ingress -}}
{{- else if and $override.secretName (ne (toString $override.enabled) "false") -}}
{{- $override.secretName -}}
{{- else -}}
platform-ingress-tls
{{- end -}}
{{- end }}

{{/*
True when the cert-generation jobs sign the default ingress certificate.
*/}}
{{- define "platform.signsIngressCert" -}}
{{- $override := .Values.overrideIngressCerts -}}
{{- if or .Values.internalPKI.ingressCertIssuer (and $override.secretName (ne (toString $override.enabled) "false")) -}}
false
{{- else -}}
true
{{- end -}}
{{- end }}

{{/*
Annotations of an Ingress: cert-manager's when an issuer is set, then the component's own.
Call with (dict "root" $ "annotations" .Values.ums.ingress.annotations).
*/}}
{{- define "platform.ingressAnnotations" -}}
{{- $annotations := dict -}}
{{- with .root.Values.internalPKI.ingressCertIssuer -}}
{{- if $.root.Values.internalPKI.useClusterIssuer -}}
{{- $_ := set $annotations "cert-manager.io/cluster-issuer" . -}}
{{- else -}}
{{- $_ := set $annotations "cert-manager.io/issuer" . -}}
{{- end -}}
{{- end -}}
{{- $annotations = merge (deepCopy (.annotations | default dict)) $annotations -}}
{{- with $annotations -}}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end -}}
{{- end }}
