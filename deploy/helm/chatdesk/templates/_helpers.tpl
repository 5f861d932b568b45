{{/* Names and labels. */}}
{{- define "chatdesk.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "chatdesk.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "chatdesk.selectorLabels" -}}
app.kubernetes.io/name: {{ include "chatdesk.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "chatdesk.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "chatdesk.selectorLabels" . }}
app.kubernetes.io/version: {{ include "chatdesk.imageTag" . | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: node
{{- end -}}

{{- define "chatdesk.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "chatdesk.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The image tag: image.tag, else the chart's appVersion; never "latest". */}}
{{- define "chatdesk.imageTag" -}}
{{- $tag := .Values.image.tag | default .Chart.AppVersion | toString -}}
{{- if or (eq (lower $tag) "latest") (eq $tag "") -}}
{{- fail "image.tag must name a version (not latest, not empty)" -}}
{{- end -}}
{{- $tag -}}
{{- end -}}

{{- define "chatdesk.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (include "chatdesk.imageTag" .) -}}
{{- end -}}
{{- end -}}

{{/* CHATDESK_PUBLIC_URL: as configured, else https://<ingress host>. */}}
{{- define "chatdesk.publicURL" -}}
{{- $url := index .Values.config "CHATDESK_PUBLIC_URL" | default "" -}}
{{- if and (not $url) .Values.ingress.enabled .Values.ingress.host -}}
{{- $url = printf "%s://%s" (ternary "https" "http" .Values.ingress.tls.enabled) .Values.ingress.host -}}
{{- end -}}
{{- $url -}}
{{- end -}}

{{/* The ConfigMap's data: config with CHATDESK_PUBLIC_URL filled in. */}}
{{- define "chatdesk.configData" -}}
{{- $cfg := deepCopy .Values.config -}}
{{- $_ := set $cfg "CHATDESK_PUBLIC_URL" (include "chatdesk.publicURL" .) -}}
{{- range $k, $v := $cfg }}
{{- if not (kindIs "invalid" $v) }}
{{ $k }}: {{ $v | toString | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
Annotations of one chatdesk Ingress, as YAML: the user's ingress.annotations,
then the chart's ingress-nginx settings shared by every chatdesk Ingress,
then "own" (this Ingress's settings), each later one winning.
Called with (dict "root" $ "own" (dict ...)).
*/}}
{{- define "chatdesk.ingressAnnotations" -}}
{{- $v := .root.Values.ingress -}}
{{- $shared := dict
  "nginx.ingress.kubernetes.io/proxy-connect-timeout" "3"
  "nginx.ingress.kubernetes.io/proxy-next-upstream" "error timeout"
  "nginx.ingress.kubernetes.io/proxy-next-upstream-tries" "3"
  "nginx.ingress.kubernetes.io/proxy-body-size" ($v.uploadBodySize | toString)
-}}
{{- if $v.limitConnections -}}
{{- $_ := set $shared "nginx.ingress.kubernetes.io/limit-connections" ($v.limitConnections | toString) -}}
{{- end -}}
{{- if $v.tls.enabled -}}
{{- $_ := set $shared "nginx.ingress.kubernetes.io/ssl-redirect" "true" -}}
{{- end -}}
{{- $all := mustMergeOverwrite (deepCopy ($v.annotations | default dict)) $shared .own -}}
{{- toYaml $all -}}
{{- end -}}

{{- define "chatdesk.ingressTLS" -}}
{{- if .Values.ingress.tls.enabled }}
tls:
  - hosts: [{{ .Values.ingress.host | quote }}]
    secretName: {{ .Values.ingress.tls.secretName | quote }}
{{- end }}
{{- end -}}

{{/*
CHATDESK_REDIS_URL built from redis.*, in go-redis's form for the topology
(docs/operations.md): standalone redis[s]://address/db; sentinel
redis[s]://sentinel/db?master_name=NAME&addr=sentinel2…; cluster
redis[s]://seed?addr=seed2…. No credentials: they come from the Secret as
CHATDESK_REDIS_PASSWORD (and CHATDESK_REDIS_SENTINEL_PASSWORD).
*/}}
{{- define "chatdesk.redisURL" -}}
{{- $r := .Values.redis -}}
{{- $scheme := ternary "rediss" "redis" (default false $r.tls) -}}
{{- $q := list -}}
{{- if eq $r.topology "sentinel" }}{{ $q = append $q (printf "master_name=%s" $r.masterName) }}{{ end -}}
{{- range (default list $r.extraAddresses) }}{{ $q = append $q (printf "addr=%s" .) }}{{ end -}}
{{- if eq $r.topology "cluster" -}}
{{ printf "%s://%s" $scheme $r.address }}
{{- else -}}
{{ printf "%s://%s/%v" $scheme $r.address $r.db }}
{{- end -}}
{{- if $q }}?{{ join "&" $q }}{{ end -}}
{{- end -}}
